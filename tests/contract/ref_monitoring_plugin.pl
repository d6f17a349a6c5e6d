#!/usr/bin/perl
# SPDX-License-Identifier: GPL-3.0-or-later
# Reference evaluator: Debian's libmonitoring-plugin-perl (Monitoring::Plugin::Range and
# ::Threshold). Same line protocol as range_eval.cpp (see test_differential_ranges.py):
#   range<TAB>RANGE<TAB>VALUE          -> alert | ok | invalid
#   threshold<TAB>WARN<TAB>CRIT<TAB>N  -> ok | warning | critical | invalid  (empty = not set)
use strict;
use warnings;

use Monitoring::Plugin::Functions qw(:codes);
use Monitoring::Plugin::Range;
use Monitoring::Plugin::Threshold;

# parse_range_string carps on a bad range; the answer "invalid" is what counts here.
local $SIG{__WARN__} = sub { };

binmode STDIN;
binmode STDOUT;
$| = 0;

sub parse_range {
    my ($text) = @_;
    return Monitoring::Plugin::Range->parse_range_string($text);
}

my $line_number = 0;
while (my $line = <STDIN>) {
    ++$line_number;
    chomp $line;
    my @fields = split /\t/, $line, -1;
    if (@fields == 3 && $fields[0] eq 'range') {
        my $range = parse_range($fields[1]);
        if (!defined $range) {
            print "invalid\n";
            next;
        }
        print $range->check_range($fields[2] + 0) ? "alert\n" : "ok\n";
    } elsif (@fields == 4 && $fields[0] eq 'threshold') {
        my %ranges;
        my $invalid = 0;
        for my $key (qw(warning critical)) {
            my $text = $key eq 'warning' ? $fields[1] : $fields[2];
            next if $text eq '';
            $ranges{$key} = parse_range($text);
            $invalid = 1 if !defined $ranges{$key};
        }
        if ($invalid) {
            print "invalid\n";
            next;
        }
        my $threshold = Monitoring::Plugin::Threshold->set_thresholds(%ranges);
        my $status = $threshold->get_status($fields[3] + 0);
        print $status == CRITICAL ? "critical\n"
            : $status == WARNING  ? "warning\n"
            : $status == OK       ? "ok\n"
            :                       "status-$status\n";
    } else {
        die "ref_monitoring_plugin.pl: line $line_number: malformed\n";
    }
}
