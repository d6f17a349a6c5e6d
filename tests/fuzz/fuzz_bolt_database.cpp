// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the bbolt reader (BoltDatabase), which reads Podman's state file, a file the user running
// Podman can forge. The input is the whole file; every bucket reachable from the root is listed
// (paths at most 16 buckets long, at most 512 buckets in all: a forged file may make a bucket its
// own ancestor, and that must stay the fuzz target's budget, not a hang).
//
// Properties: the page size is a power of two; every key and value lies inside the input; a
// bucket's keys are strictly ascending; a sub-bucket's value is empty; value() finds each value
// entries() listed, as the same bytes, and nothing for a sub-bucket; nested_buckets() lists, when
// it reads the file, the sub-buckets entries() lists, in the same order, their keys inside the
// input too.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/bolt_database.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace port_owner;

constexpr std::size_t max_path = 16;
constexpr int max_buckets = 512;

bool inside(std::string_view part, std::string_view whole) {
    if (part.empty()) {
        return true;
    }
    // Compared as addresses: the reader's views must point into the caller's bytes.
    const auto begin = reinterpret_cast<std::uintptr_t>(whole.data());
    const auto start = reinterpret_cast<std::uintptr_t>(part.data());
    return start >= begin && start - begin <= whole.size() &&
           part.size() <= whole.size() - (start - begin);
}

void walk(const BoltDatabase& database, std::string_view file, std::vector<std::string_view>& path,
          int& buckets) {
    if (++buckets > max_buckets) {
        return;
    }
    std::vector<BoltEntry> entries;
    try {
        entries = database.entries(path);
    } catch (const BoltFormatError&) {
        return;
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& entry = entries[i];
        FUZZ_CHECK(inside(entry.key, file));
        FUZZ_CHECK(inside(entry.value, file));
        FUZZ_CHECK(i == 0 || entries[i - 1].key < entry.key);
        const auto found = database.value(path, entry.key);
        if (entry.bucket) {
            FUZZ_CHECK(entry.value.empty());
            FUZZ_CHECK(!found.has_value());
            if (path.size() < max_path) {
                path.push_back(entry.key);
                walk(database, file, path, buckets);
                path.pop_back();
            }
        } else {
            FUZZ_CHECK(found.has_value());
            FUZZ_CHECK(found->data() == entry.value.data() && found->size() == entry.value.size());
        }
    }
    std::vector<BoltBucket> nested;
    try {
        nested = database.nested_buckets(path);
    } catch (const BoltFormatError&) {
        return;  // a sub-bucket may be broken, or share a page with another
    }
    std::size_t next = 0;
    for (const auto& entry : entries) {
        if (entry.bucket) {
            FUZZ_CHECK(next < nested.size() && nested[next].key.data() == entry.key.data());
            for (const auto& inner : nested[next].entries) {
                FUZZ_CHECK(inside(inner.key, file) && inside(inner.value, file));
            }
            ++next;
        }
    }
    FUZZ_CHECK(next == nested.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto file = port_owner::fuzz::as_text(data, size);
    try {
        const BoltDatabase database(file);
        const auto page_size = database.page_size();
        FUZZ_CHECK(page_size >= 512 && (page_size & (page_size - 1)) == 0);
        std::vector<std::string_view> path;
        int buckets = 0;
        walk(database, file, path, buckets);
    } catch (const BoltFormatError&) {
    }
    return 0;
}
