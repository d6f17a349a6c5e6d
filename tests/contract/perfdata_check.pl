#!/usr/bin/perl
# SPDX-License-Identifier: GPL-3.0-or-later
# Checks the perfdata of saved plugin outputs (one output per file):
#   perfdata_check.pl FILE...
# - Monitoring::Plugin::Performance->parse_perfstring must recover every value, with the same
#   label, value, uom, warn, crit, min and max as a strict reading of the contract's format
#   (`label=value[UOM];[warn];[crit];[min];[max]`, plain decimals, lowercase [a-z0-9_] labels);
# - Icinga 2's rules (lib/base/perfdatavalue.cpp, PerfdataValue::Parse): no `::` in a label, a
#   known unit, warn/crit/min/max plain numbers (Icinga drops `10:`, `@1:2`, `~:5` and `U`),
#   no `,`, no `U`; and the contract's layout: perfdata only after the single `|` of line 1 or on
#   one final line starting with `| `, no `\r`, unique labels.
# Prints one tab-separated line per value: FILE LABEL VALUE UOM WARN CRIT MIN MAX (empty when
# absent), for the caller to check the numbers. Exit 1 and "ERROR ..." lines on any violation.
use strict;
use warnings;

use Monitoring::Plugin::Performance;

my $num = qr/-?[0-9]+(?:\.[0-9]+)?/;
my $strict = qr/^([a-z0-9_]+)=($num)([A-Za-z%]*)(?:;($num)?(?:;($num)?(?:;($num)?(?:;($num)?)?)?)?)?$/;
my %icinga_units = map { $_ => 1 } ('', 'us', 'ms', 's', 'tb', 'gb', 'mb', 'kb', 'b', '%', 'c');

my $errors = 0;
sub error {
    my ($file, $message) = @_;
    print "ERROR $file: $message\n";
    ++$errors;
}

sub nvl { defined $_[0] ? $_[0] : '' }

die "usage: perfdata_check.pl FILE...\n" unless @ARGV;
for my $file (@ARGV) {
    open my $fh, '<:raw', $file or die "perfdata_check.pl: $file: $!\n";
    my $output = do { local $/; <$fh> };
    close $fh;

    if ($output =~ /\r/) {
        error($file, 'output contains \\r');
    }
    my @lines = split /\n/, $output;
    if (!@lines) {
        error($file, 'empty output');
        next;
    }
    my @perf_parts;
    my $first = $lines[0];
    my $bars = () = $first =~ /\|/g;
    if ($bars > 1) {
        error($file, "line 1 has $bars '|'");
    }
    if ($bars >= 1) {
        push @perf_parts, (split /\|/, $first, 2)[1];
    }
    for my $i (1 .. $#lines) {
        next unless $lines[$i] =~ /\|/;
        if ($i == $#lines && $lines[$i] =~ /^\| /) {
            push @perf_parts, substr($lines[$i], 2);
        } else {
            error($file, 'line ' . ($i + 1) . " has a '|' outside the perfdata layout");
        }
    }
    if (!@perf_parts) {
        error($file, 'no perfdata');
        next;
    }
    my $perf = join ' ', @perf_parts;
    $perf =~ s/^ +//;
    $perf =~ s/ +$//;
    if ($perf =~ /  /) {
        error($file, 'perfdata has a double space');
    }

    my @strict;
    my %seen;
    for my $token (split / +/, $perf) {
        my ($label) = $token =~ /^([^=]*)=/;
        error($file, "'$token': label has '::' (Icinga 2 prefix marker)") if $token =~ /::/;
        error($file, "'$token': has ','") if $token =~ /,/;
        my @fields = split /;/, $token, -1;
        my ($value) = $fields[0] =~ /=(.*)$/;
        error($file, "'$token': value or threshold is 'U'")
            if grep { $_ eq 'U' } (defined $value ? $value : ''), @fields[1 .. $#fields];
        for my $i (1 .. 4) {
            next unless defined $fields[$i] && $fields[$i] ne '';
            error($file, "'$token': field $i '$fields[$i]' is a range or not a plain number"
                       . ' (Icinga 2 drops it)')
                if $fields[$i] =~ /[^-+0-9.e]/ || $fields[$i] eq 'U';
        }
        error($file, "'$token': more than 5 fields") if @fields > 5;
        my @match = $token =~ $strict;
        if (!@match) {
            error($file, "'$token' is not label=value[UOM];[warn];[crit];[min];[max] with plain"
                       . ' decimals and a lowercase [a-z0-9_] label');
            push @strict, undef;
            next;
        }
        error($file, "'$token': unit '$match[2]' unknown to Icinga 2")
            unless $icinga_units{lc $match[2]};
        error($file, "label '$match[0]' repeated") if $seen{$match[0]}++;
        push @strict, [map { nvl($_) } @match[0 .. 6]];
    }

    my @parsed = Monitoring::Plugin::Performance->parse_perfstring($perf);
    my @tokens = split / +/, $perf;
    my $tokens = @tokens;
    if (@parsed != $tokens) {
        error($file, scalar(@parsed) . " values recovered by parse_perfstring, $tokens written");
    }
    for my $i (0 .. $#strict) {
        my $want = $strict[$i];
        next unless defined $want;
        my $p = $parsed[$i];
        if (!defined $p) {
            error($file, "parse_perfstring lost '$want->[0]'");
            next;
        }
        my @got = ($p->label, $p->value, nvl($p->uom), nvl($p->warning), nvl($p->critical),
                   nvl($p->min), nvl($p->max));
        my @names = qw(label value uom warning critical min max);
        for my $k (0 .. 6) {
            my $same = $k == 1 ? ($got[1] == $want->[1]) : ($got[$k] eq $want->[$k]);
            error($file, "'$want->[0]': parse_perfstring $names[$k] '$got[$k]', written"
                       . " '$want->[$k]'") unless $same;
        }
        print join("\t", $file, @$want), "\n";
    }
}
exit($errors ? 1 : 0);
