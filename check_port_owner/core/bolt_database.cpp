// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/bolt_database.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <utility>

namespace port_owner {

namespace {

// The on-disk layout of bbolt 1.3 (db.go, page.go, bucket.go), little-endian.
constexpr std::uint32_t meta_magic = 0xED0CDAED;
constexpr std::uint32_t format_version = 2;
constexpr std::uint64_t page_header_size = 16;    // id u64, flags u16, count u16, overflow u32
constexpr std::uint64_t element_size = 16;        // a branch's and a leaf's element alike
constexpr std::uint64_t bucket_header_size = 16;  // root page u64, sequence u64
// magic, version, pageSize, flags (u32 each), root bucket (2 x u64), freelist, pgid, txid,
// checksum (u64 each); the checksum covers the bytes before it.
constexpr std::uint64_t meta_size = 64;
constexpr std::uint64_t meta_checksum_offset = 56;
constexpr std::uint16_t branch_page_flag = 0x01;
constexpr std::uint16_t leaf_page_flag = 0x02;
constexpr std::uint32_t bucket_element_flag = 0x01;
// Pages 0 and 1 are the two meta pages; the trees start at page 2.
constexpr std::uint64_t first_tree_page = 2;
// bbolt's B+ trees are a few levels deep; a deeper one is forged.
constexpr int max_tree_depth = 64;
// Where meta 1 may be when meta 0 is unreadable (bbolt tries the common page sizes too).
constexpr std::array<std::uint32_t, 8> usual_page_sizes = {4096,  8192, 16384, 32768,
                                                           65536, 512,  1024,  2048};

std::uint64_t read_le(std::string_view bytes, std::uint64_t offset, int width) {
    std::uint64_t number = 0;
    for (int i = width - 1; i >= 0; --i) {
        number = (number << 8) | static_cast<unsigned char>(bytes[offset + i]);
    }
    return number;
}
std::uint16_t read_u16(std::string_view bytes, std::uint64_t offset) {
    return static_cast<std::uint16_t>(read_le(bytes, offset, 2));
}
std::uint32_t read_u32(std::string_view bytes, std::uint64_t offset) {
    return static_cast<std::uint32_t>(read_le(bytes, offset, 4));
}
std::uint64_t read_u64(std::string_view bytes, std::uint64_t offset) {
    return read_le(bytes, offset, 8);
}

// bbolt's meta checksum: Go's hash/fnv New64a.
std::uint64_t fnv1a_64(std::string_view bytes) {
    std::uint64_t hash = 0xcbf29ce484222325;
    for (const char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3;
    }
    return hash;
}

// Pages of a few hundred bytes cannot hold much; past 64 KiB no system has pages. A power of
// two, as every page size bbolt takes from the system is.
bool plausible_page_size(std::uint32_t size) {
    return size >= 512 && size <= 65536 && (size & (size - 1)) == 0;
}

struct Meta {
    std::string problem;  // empty when the meta is valid
    std::uint32_t page_size = 0;
    std::uint64_t root_page = 0;
    std::uint64_t page_limit = 0;  // pgid: the high-water mark
    std::uint64_t transaction_id = 0;
};

Meta invalid_meta(std::string problem) {
    Meta meta;
    meta.problem = std::move(problem);
    return meta;
}

// The meta of the page at `page_offset`, valid only when it says its page size is `page_size`
// (where it was looked for).
Meta read_meta(std::string_view file, std::uint64_t page_offset, std::uint32_t page_size) {
    if (page_offset + page_header_size + meta_size > file.size()) {
        return invalid_meta("past the end of the file");
    }
    const auto bytes = file.substr(page_offset + page_header_size, meta_size);
    if (read_u32(bytes, 0) != meta_magic) {
        return invalid_meta("no bbolt magic");
    }
    if (read_u32(bytes, 4) != format_version) {
        return invalid_meta("version " + std::to_string(read_u32(bytes, 4)) + ", not 2");
    }
    if (fnv1a_64(bytes.substr(0, meta_checksum_offset)) != read_u64(bytes, meta_checksum_offset)) {
        return invalid_meta("wrong checksum");
    }
    Meta meta;
    meta.page_size = read_u32(bytes, 8);
    if (!plausible_page_size(meta.page_size)) {
        return invalid_meta("page size " + std::to_string(meta.page_size));
    }
    if (page_size != 0 && meta.page_size != page_size) {
        return invalid_meta("page size " + std::to_string(meta.page_size) + " where pages are " +
                            std::to_string(page_size) + " bytes");
    }
    meta.root_page = read_u64(bytes, 16);
    meta.page_limit = read_u64(bytes, 40);
    meta.transaction_id = read_u64(bytes, 48);
    return meta;
}

struct Page {
    std::string_view bytes;  // the header, the elements and what they point to
    std::uint16_t flags = 0;
    std::uint16_t count = 0;
};

Page page_in(std::string_view bytes) {
    return {bytes, read_u16(bytes, 8), read_u16(bytes, 10)};
}

std::string page_name(std::uint64_t id) {
    return id == 0 ? std::string("an inline bucket's page") : "page " + std::to_string(id);
}

// An element's table entry must lie in its page; what it points to is checked by its reader.
void check_element_table(const Page& page, std::uint64_t id) {
    if (page_header_size + element_size * page.count > page.bytes.size()) {
        throw BoltFormatError(page_name(id) + "'s " + std::to_string(page.count) +
                              " elements run past its end");
    }
}

// The pieces of a leaf element: a key and a value in the page (incl. its overflow).
struct RawEntry {
    std::string_view key;
    std::string_view value;  // a sub-bucket's header (and inline page) when `bucket`
    bool bucket = false;
};

// One walk of the file: the pages of the trees it reads, each at most once.
class TreeWalk {
  public:
    TreeWalk(std::string_view file, std::uint32_t page_size, std::uint64_t page_limit)
        : file_(file), page_size_(page_size), page_limit_(page_limit), seen_(page_limit, false) {}

    // The leaf entries of the bucket whose header is `header` (16 bytes), in key order.
    std::vector<RawEntry> bucket_entries(std::string_view header) {
        std::vector<RawEntry> entries;
        const auto root = read_u64(header, 0);
        if (root != 0) {
            read_tree(root, 0, entries);
            return entries;
        }
        // An inline bucket: its one leaf page follows the header inside the value.
        const auto inline_page = header.substr(bucket_header_size);
        if (inline_page.size() < page_header_size) {
            throw BoltFormatError("an inline bucket without its page");
        }
        const auto page = page_in(inline_page);
        if (page.flags != leaf_page_flag) {
            throw BoltFormatError("an inline bucket's page is not a leaf");
        }
        read_leaf(page, 0, entries);
        return entries;
    }

  private:
    Page tree_page(std::uint64_t id) {
        if (id < first_tree_page) {
            throw BoltFormatError("a tree points to meta page " + std::to_string(id));
        }
        if (id >= page_limit_) {
            throw BoltFormatError("a tree points to page " + std::to_string(id) +
                                  ", past the database's " + std::to_string(page_limit_));
        }
        const auto offset = id * page_size_;
        const auto overflow = read_u32(file_, offset + 12);
        // id < page_limit_ <= file size / page size: no sum below overflows 64 bits.
        if (id + 1 + overflow > page_limit_) {
            throw BoltFormatError(page_name(id) + "'s " + std::to_string(overflow) +
                                  " overflow pages run past the database's end");
        }
        for (auto covered = id; covered <= id + overflow; ++covered) {
            if (seen_[covered]) {
                throw BoltFormatError(page_name(covered) + " is reached twice (a cycle)");
            }
            seen_[covered] = true;
        }
        const auto page = page_in(file_.substr(offset, (1 + overflow) * page_size_));
        if (read_u64(page.bytes, 0) != id) {
            throw BoltFormatError(page_name(id) + " has the id " +
                                  std::to_string(read_u64(page.bytes, 0)));
        }
        return page;
    }

    void read_tree(std::uint64_t id, int depth, std::vector<RawEntry>& entries) {
        if (depth > max_tree_depth) {
            throw BoltFormatError("a tree deeper than " + std::to_string(max_tree_depth) +
                                  " levels");
        }
        const auto page = tree_page(id);
        if (page.flags == leaf_page_flag) {
            read_leaf(page, id, entries);
            return;
        }
        if (page.flags != branch_page_flag) {
            throw BoltFormatError(page_name(id) + " is neither a branch nor a leaf (flags " +
                                  std::to_string(page.flags) + ")");
        }
        if (page.count == 0) {
            throw BoltFormatError(page_name(id) + " is a branch without elements");
        }
        check_element_table(page, id);
        for (std::uint64_t i = 0; i < page.count; ++i) {
            const auto element = page_header_size + element_size * i;
            const std::uint64_t key_end = element + read_u32(page.bytes, element) +
                                          std::uint64_t{read_u32(page.bytes, element + 4)};
            if (key_end > page.bytes.size()) {
                throw BoltFormatError(page_name(id) + "'s branch key " + std::to_string(i) +
                                      " runs past its end");
            }
            read_tree(read_u64(page.bytes, element + 8), depth + 1, entries);
        }
    }

    static void read_leaf(const Page& page, std::uint64_t id, std::vector<RawEntry>& entries) {
        check_element_table(page, id);
        for (std::uint64_t i = 0; i < page.count; ++i) {
            const auto element = page_header_size + element_size * i;
            const auto flags = read_u32(page.bytes, element);
            const std::uint64_t key_start = element + read_u32(page.bytes, element + 4);
            const std::uint64_t key_size = read_u32(page.bytes, element + 8);
            const std::uint64_t value_size = read_u32(page.bytes, element + 12);
            if (key_start + key_size + value_size > page.bytes.size()) {
                throw BoltFormatError(page_name(id) + "'s element " + std::to_string(i) +
                                      " runs past its end");
            }
            RawEntry entry{page.bytes.substr(key_start, key_size),
                           page.bytes.substr(key_start + key_size, value_size),
                           (flags & bucket_element_flag) != 0};
            if (entry.bucket && entry.value.size() < bucket_header_size) {
                throw BoltFormatError(page_name(id) + "'s element " + std::to_string(i) +
                                      " is a bucket without its header");
            }
            // bbolt keeps a bucket's keys sorted and unique, and finds them by that order.
            if (!entries.empty() && entries.back().key >= entry.key) {
                throw BoltFormatError(page_name(id) + "'s element " + std::to_string(i) +
                                      " is out of key order");
            }
            entries.push_back(entry);
        }
    }

    std::string_view file_;
    std::uint64_t page_size_;
    std::uint64_t page_limit_;
    std::vector<bool> seen_;
};

// The entries of the bucket at `path`, walked from the root bucket's header.
std::vector<RawEntry> bucket_at(TreeWalk& walk, std::string_view root_header,
                                std::span<const std::string_view> path) {
    auto entries = walk.bucket_entries(root_header);
    for (const auto name : path) {
        const auto found = std::find_if(entries.begin(), entries.end(),
                                        [&](const RawEntry& entry) { return entry.key == name; });
        if (found == entries.end() || !found->bucket) {
            throw BoltFormatError("no bucket \"" + std::string(name) + "\"");
        }
        const auto header = found->value;
        entries = walk.bucket_entries(header);
    }
    return entries;
}

std::vector<BoltEntry> public_entries(const std::vector<RawEntry>& raw) {
    std::vector<BoltEntry> entries;
    entries.reserve(raw.size());
    for (const auto& entry : raw) {
        entries.push_back(
            {entry.key, entry.bucket ? std::string_view{} : entry.value, entry.bucket});
    }
    return entries;
}

}  // namespace

BoltDatabase::BoltDatabase(std::string_view file) : file_(file) {
    // As bbolt opens a file: the page size is meta 0's when meta 0 is valid; otherwise meta 1 is
    // looked for at the usual page sizes.
    Meta first = read_meta(file, 0, 0);
    Meta second = invalid_meta("not found at a usual page size");
    if (first.problem.empty()) {
        second = read_meta(file, first.page_size, first.page_size);
    } else {
        for (const auto size : usual_page_sizes) {
            auto candidate = read_meta(file, size, size);
            if (candidate.problem.empty()) {
                second = std::move(candidate);
                break;
            }
        }
    }
    const Meta* chosen = nullptr;
    if (first.problem.empty() && second.problem.empty()) {
        chosen = second.transaction_id > first.transaction_id ? &second : &first;
    } else if (first.problem.empty()) {
        chosen = &first;
    } else if (second.problem.empty()) {
        chosen = &second;
    } else {
        throw BoltFormatError("not a bbolt database: meta page 0: " + first.problem +
                              "; meta page 1: " + second.problem);
    }
    page_size_ = chosen->page_size;
    page_limit_ = std::min<std::uint64_t>(chosen->page_limit, file.size() / page_size_);
    root_page_ = chosen->root_page;
    transaction_id_ = chosen->transaction_id;
}

std::string BoltDatabase::root_header() const {
    if (root_page_ == 0) {
        throw BoltFormatError("the root bucket is not on a page");
    }
    std::string header(bucket_header_size, '\0');
    for (std::size_t i = 0; i < 8; ++i) {
        header[i] = static_cast<char>((root_page_ >> (8 * i)) & 0xff);
    }
    return header;
}

std::vector<BoltEntry> BoltDatabase::entries(std::span<const std::string_view> path) const {
    const auto root = root_header();
    TreeWalk walk(file_, page_size_, page_limit_);
    return public_entries(bucket_at(walk, root, path));
}

std::vector<BoltBucket> BoltDatabase::nested_buckets(std::span<const std::string_view> path) const {
    const auto root = root_header();
    // One walk for all: bbolt's buckets share no page, so a page met twice is still a cycle.
    TreeWalk walk(file_, page_size_, page_limit_);
    std::vector<BoltBucket> buckets;
    for (const auto& entry : bucket_at(walk, root, path)) {
        if (entry.bucket) {
            buckets.push_back({entry.key, public_entries(walk.bucket_entries(entry.value))});
        }
    }
    return buckets;
}

std::optional<std::string_view> BoltDatabase::value(std::span<const std::string_view> path,
                                                    std::string_view key) const {
    for (const auto& entry : entries(path)) {
        if (entry.key == key && !entry.bucket) {
            return entry.value;
        }
    }
    return std::nullopt;
}

}  // namespace port_owner
