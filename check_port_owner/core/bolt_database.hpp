// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace port_owner {

// One key of a bbolt bucket. The views point into the file's bytes given to BoltDatabase, so they
// live as long as those bytes.
struct BoltEntry {
    std::string_view key;
    std::string_view value;  // empty for a sub-bucket
    bool bucket = false;     // a sub-bucket: list it with entries(path + key)
};

// A bucket inside another, with its keys (see BoltDatabase::nested_buckets).
struct BoltBucket {
    std::string_view key;
    std::vector<BoltEntry> entries;
};

// The file is not a bbolt database, or its structure is broken (or forged): `what()` says where.
class BoltFormatError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A read-only reader of a bbolt (BoltDB) file, the format bbolt 1.3 writes (version 2). It reads
// the file's bytes, read whole by the caller (they must outlive the reader and its answers);
// nothing is written or locked, no OS call is made. Podman 4 keeps its state in such a file,
// owned by the user running Podman, so the reader trusts nothing in it: every page id, offset and
// length is checked against the file before it is followed; a page met twice in one walk (a
// cycle), a tree deeper than 64 levels and a bucket's keys out of order are errors; every error is
// a BoltFormatError, never a read outside the bytes. (A copy read while Podman writes may be
// torn: no checksum covers the tree pages, so it is read as a forged file would be.)
class BoltDatabase {
  public:
    // Checks the two meta pages (magic, version, FNV-1a checksum) and takes the valid one with
    // the higher transaction id, as bbolt does when it opens a file. Throws BoltFormatError (why)
    // when neither is valid.
    explicit BoltDatabase(std::string_view file);

    // Every key of the bucket at `path` (bucket names from the root; an empty path is the root
    // bucket), in the file's order (key order). Throws BoltFormatError when a bucket of the path
    // does not exist or the structure is broken.
    std::vector<BoltEntry> entries(std::span<const std::string_view> path) const;

    // The value of `key` in the bucket at `path`; nullopt when the key is absent or a bucket.
    // Throws as entries() does.
    std::optional<std::string_view> value(std::span<const std::string_view> path,
                                          std::string_view key) const;

    // Every bucket directly inside the bucket at `path`, each with its keys, in key order; the
    // other keys there are left out. One walk of the file: asking entries() or value() of each
    // inner bucket walks the outer one again each time, quadratic in its size, and the file's
    // writer (a user, for Podman) chooses that size. Throws as entries() does.
    std::vector<BoltBucket> nested_buckets(std::span<const std::string_view> path) const;

    // What the chosen meta says: its page size, and the transaction that wrote it.
    std::uint32_t page_size() const { return page_size_; }
    std::uint64_t transaction_id() const { return transaction_id_; }

  private:
    // The root bucket's header as a bucket's value holds it (its sequence is not read).
    std::string root_header() const;

    std::string_view file_;
    std::uint32_t page_size_ = 0;
    // Pages at or past this one are not part of the database: the meta's high-water mark, or the
    // file's end when that comes first.
    std::uint64_t page_limit_ = 0;
    std::uint64_t root_page_ = 0;
    std::uint64_t transaction_id_ = 0;
};

}  // namespace port_owner
