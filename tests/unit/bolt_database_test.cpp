// SPDX-License-Identifier: GPL-3.0-or-later
// The bbolt reader on a state file rootless Podman 4.3.1 wrote (Debian 12: containers "web1" and
// "other"), on damaged copies of it, and on small files built here page by page for what that file
// lacks (branch pages, deep trees).

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/bolt_database.hpp"

namespace port_owner {
namespace {

using Path = std::vector<std::string_view>;

constexpr std::string_view web1_id =
    "d567fd23fe17ab13f4079c71f091554f6a1309cae6fac7e03153260f7e198670";
constexpr std::string_view other_id =
    "cd6f317bca12dd9dc7337c31a7f0b002fbc7f1b2b7c5667580db7901363221af";
// The fixture's layout (4096-byte pages): meta 1 (txid 67) is the newer, its root bucket is page
// 9; bucket "ctr" is page 3; web1's bucket page 10 and other's page 5 each have 3 overflow pages
// for their config. Meta 0 (txid 66) has the root on page 4.
constexpr std::uint64_t fixture_page_size = 4096;

std::string fixture() {
    std::ifstream in(PORT_OWNER_BOLT_FIXTURE, std::ios::binary);
    std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    EXPECT_EQ(bytes.size(), 131072u) << PORT_OWNER_BOLT_FIXTURE;
    return bytes;
}

void put(std::string& bytes, std::uint64_t offset, std::uint64_t number, int width) {
    for (int i = 0; i < width; ++i) {
        bytes.at(offset + i) = static_cast<char>((number >> (8 * i)) & 0xff);
    }
}

std::uint64_t fnv1a_64(std::string_view bytes) {
    std::uint64_t hash = 0xcbf29ce484222325;
    for (const char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3;
    }
    return hash;
}

// The meta of the page at `page_offset` with its checksum made right again: a forger can.
void reseal_meta(std::string& bytes, std::uint64_t page_offset) {
    const auto meta = page_offset + 16;
    put(bytes, meta + 56, fnv1a_64(std::string_view(bytes).substr(meta, 56)), 8);
}

// The meta of page `index` (0 or 1) pointing at another root page.
void set_root(std::string& bytes, int index, std::uint64_t root) {
    const auto page_offset = index * fixture_page_size;
    put(bytes, page_offset + 16 + 16, root, 8);
    reseal_meta(bytes, page_offset);
}

std::vector<std::string> keys_of(const std::vector<BoltEntry>& entries) {
    std::vector<std::string> keys;
    for (const auto& entry : entries) {
        keys.emplace_back(entry.key);
    }
    return keys;
}

// Every bucket below `path`, as a caller exploring the file would: the number of values read.
std::size_t read_everything(const BoltDatabase& database, Path path = {}) {
    std::size_t values = 0;
    for (const auto& entry : database.entries(path)) {
        if (entry.bucket) {
            path.push_back(entry.key);
            values += read_everything(database, path);
            path.pop_back();
        } else {
            ++values;
        }
    }
    return values;
}

// ---- small files built page by page (512-byte pages)

constexpr std::uint32_t small_page = 512;

struct Element {
    std::string key;
    std::string value;  // a bucket's header (and inline page) when `bucket`
    bool bucket = false;
};

std::string page_header(std::uint64_t id, std::uint16_t flags, std::uint16_t count,
                        std::uint32_t overflow) {
    std::string bytes(16, '\0');
    put(bytes, 0, id, 8);
    put(bytes, 8, flags, 2);
    put(bytes, 10, count, 2);
    put(bytes, 12, overflow, 4);
    return bytes;
}

// A leaf page's bytes: header, element table, then each key followed by its value.
std::string leaf_bytes(std::uint64_t id, const std::vector<Element>& elements,
                       std::uint32_t overflow = 0) {
    auto bytes = page_header(id, 0x02, static_cast<std::uint16_t>(elements.size()), overflow);
    bytes.resize(16 + 16 * elements.size());
    for (std::size_t i = 0; i < elements.size(); ++i) {
        const auto element = 16 + 16 * i;
        put(bytes, element, elements[i].bucket ? 1 : 0, 4);
        put(bytes, element + 4, bytes.size() - element, 4);
        put(bytes, element + 8, elements[i].key.size(), 4);
        put(bytes, element + 12, elements[i].value.size(), 4);
        bytes += elements[i].key + elements[i].value;
    }
    return bytes;
}

std::string branch_bytes(std::uint64_t id,
                         const std::vector<std::pair<std::string, std::uint64_t>>& children) {
    auto bytes = page_header(id, 0x01, static_cast<std::uint16_t>(children.size()), 0);
    bytes.resize(16 + 16 * children.size());
    for (std::size_t i = 0; i < children.size(); ++i) {
        const auto element = 16 + 16 * i;
        put(bytes, element, bytes.size() - element, 4);
        put(bytes, element + 4, children[i].first.size(), 4);
        put(bytes, element + 8, children[i].second, 8);
        bytes += children[i].first;
    }
    return bytes;
}

std::string bucket_on_page(std::uint64_t root) {
    std::string header(16, '\0');
    put(header, 0, root, 8);
    return header;
}

std::string inline_bucket(const std::vector<Element>& elements) {
    return std::string(16, '\0') + leaf_bytes(0, elements);
}

// A file of `pages` pages whose two metas (txids 1 and 2) have the root bucket at `root`.
class SmallFile {
  public:
    SmallFile(std::uint64_t pages, std::uint64_t root) : bytes_(pages * small_page, '\0') {
        for (int index = 0; index < 2; ++index) {
            const std::uint64_t offset = index * small_page;
            put(bytes_, offset, index, 8);
            put(bytes_, offset + 8, 0x04, 2);
            const auto meta = offset + 16;
            put(bytes_, meta, 0xED0CDAED, 4);
            put(bytes_, meta + 4, 2, 4);
            put(bytes_, meta + 8, small_page, 4);
            put(bytes_, meta + 16, root, 8);
            put(bytes_, meta + 32, 0xffffffffffffffff, 8);  // no freelist page
            put(bytes_, meta + 40, pages, 8);
            put(bytes_, meta + 48, index + 1, 8);
            reseal_meta(bytes_, offset);
        }
    }

    void page(std::uint64_t id, const std::string& page_bytes) {
        ASSERT_LE(id * small_page + page_bytes.size(), bytes_.size());
        bytes_.replace(id * small_page, page_bytes.size(), page_bytes);
    }

    const std::string& bytes() const { return bytes_; }

  private:
    std::string bytes_;
};

// ---- the real file

TEST(BoltDatabase, PodmanStateTopLevelBuckets) {
    const auto file = fixture();
    const BoltDatabase database(file);
    EXPECT_EQ(database.page_size(), 4096u);
    EXPECT_EQ(database.transaction_id(), 67u);
    const auto top = database.entries({});
    EXPECT_EQ(keys_of(top), (std::vector<std::string>{
                                "all-ctrs", "allPods", "allVolumes", "ctr", "exec", "exit-code",
                                "exit-code-time-stamp", "id-registry", "name-registry",
                                "ns-registry", "pod", "runtime-config", "vol", "volume-ctrs"}));
    for (const auto& entry : top) {
        EXPECT_TRUE(entry.bucket) << entry.key;
        EXPECT_TRUE(entry.value.empty()) << entry.key;
    }
}

TEST(BoltDatabase, PodmanContainersAndTheirConfig) {
    const auto file = fixture();
    const BoltDatabase database(file);
    const Path ctr{"ctr"};
    const auto containers = database.entries(ctr);
    EXPECT_EQ(keys_of(containers),
              (std::vector<std::string>{std::string(other_id), std::string(web1_id)}));
    for (const auto& entry : containers) {
        EXPECT_TRUE(entry.bucket);
    }

    // The configs fill three overflow pages each.
    const auto web1 = database.value(Path{"ctr", web1_id}, "config");
    ASSERT_TRUE(web1);
    EXPECT_EQ(web1->size(), 11765u);
    EXPECT_TRUE(web1->starts_with("{\"spec\":"));
    EXPECT_TRUE(web1->ends_with("}"));
    EXPECT_NE(web1->find("\"newPortMappings\":[{\"host_ip\":\"\",\"container_port\":80,"
                         "\"host_port\":8080,\"range\":1,\"protocol\":\"tcp\"}]"),
              std::string_view::npos);
    EXPECT_NE(web1->find("\"name\":\"web1\""), std::string_view::npos);

    const auto other = database.value(Path{"ctr", other_id}, "config");
    ASSERT_TRUE(other);
    EXPECT_EQ(other->size(), 11893u);
    EXPECT_TRUE(other->starts_with("{\"spec\":"));
    EXPECT_NE(other->find("\"newPortMappings\":[{\"host_ip\":\"\",\"container_port\":81,"
                          "\"host_port\":8081,\"range\":3,\"protocol\":\"udp\"},"
                          "{\"host_ip\":\"127.0.0.1\",\"container_port\":90,"
                          "\"host_port\":9090,\"range\":1,\"protocol\":\"tcp\"}]"),
              std::string_view::npos);

    const auto netns = database.value(Path{"ctr", web1_id}, "netns");
    ASSERT_TRUE(netns);
    EXPECT_TRUE(netns->starts_with("/run/user/"));
    // "other" is stopped: no network namespace.
    EXPECT_EQ(database.value(Path{"ctr", other_id}, "netns"), std::nullopt);
    EXPECT_TRUE(database.value(Path{"ctr", other_id}, "state"));
    EXPECT_EQ(keys_of(database.entries(Path{"ctr", web1_id})),
              (std::vector<std::string>{"config", "dependencies", "netns", "state"}));
}

TEST(BoltDatabase, PodmanInlineBuckets) {
    // Small buckets live inside their parent's leaf: the registries are such.
    const auto file = fixture();
    const BoltDatabase database(file);
    EXPECT_EQ(database.value(Path{"all-ctrs"}, web1_id), "web1");
    EXPECT_EQ(database.value(Path{"name-registry"}, "other"), other_id);
    EXPECT_EQ(database.value(Path{"runtime-config"}, "graph-driver-name"), "vfs");
    EXPECT_TRUE(database.entries(Path{"pod"}).empty());
    // An empty inline bucket inside a bucket on a page.
    EXPECT_TRUE(database.entries(Path{"ctr", web1_id, "dependencies"}).empty());
    EXPECT_EQ(read_everything(database), 18u);
}

TEST(BoltDatabase, MissingBucketsThrowMissingKeysAreAbsent) {
    const auto file = fixture();
    const BoltDatabase database(file);
    EXPECT_THROW(database.entries(Path{"nope"}), BoltFormatError);
    EXPECT_THROW(database.entries(Path{"ctr", "nope"}), BoltFormatError);
    // A value is not a bucket.
    EXPECT_THROW(database.entries(Path{"ctr", web1_id, "config"}), BoltFormatError);
    EXPECT_THROW(database.value(Path{"ctr", "nope"}, "config"), BoltFormatError);
    EXPECT_EQ(database.value(Path{"ctr", web1_id}, "nope"), std::nullopt);
    // A bucket is not a value.
    EXPECT_EQ(database.value(Path{"ctr"}, web1_id), std::nullopt);
    EXPECT_EQ(database.value(Path{}, "ctr"), std::nullopt);
}

// ---- damaged copies of the real file

TEST(BoltDatabase, BrokenMetaZeroLeavesMetaOne) {
    auto file = fixture();
    file[16 + 20] ^= 0x40;  // meta 0's root: its checksum no longer matches
    const BoltDatabase database(file);
    EXPECT_EQ(database.transaction_id(), 67u);
    EXPECT_EQ(database.page_size(), 4096u);
    EXPECT_TRUE(database.value(Path{"ctr", web1_id}, "netns"));

    // Without meta 0's page size, meta 1 is still found at a usual one.
    file[16] ^= 0x01;  // and its magic
    EXPECT_EQ(BoltDatabase(file).transaction_id(), 67u);
}

TEST(BoltDatabase, BrokenMetaOneLeavesTheOlderMetaZero) {
    auto file = fixture();
    file[fixture_page_size + 16 + 48] ^= 0x01;  // meta 1's txid
    const BoltDatabase database(file);
    EXPECT_EQ(database.transaction_id(), 66u);
    // The transaction before, as it left its pages (its root is page 4): "other" did not exist.
    EXPECT_EQ(keys_of(database.entries(Path{"ctr"})),
              (std::vector<std::string>{std::string(web1_id)}));
    EXPECT_EQ(database.value(Path{"name-registry"}, "other"), std::nullopt);
    EXPECT_TRUE(database.value(Path{"ctr", web1_id}, "config"));
}

TEST(BoltDatabase, BothMetasBrokenThrows) {
    auto file = fixture();
    file[16 + 20] ^= 0x40;
    file[fixture_page_size + 16 + 4] = 3;  // version 3
    EXPECT_THROW(BoltDatabase{file}, BoltFormatError);
    EXPECT_THROW(BoltDatabase{std::string_view{}}, BoltFormatError);
    EXPECT_THROW(BoltDatabase{file.substr(0, 100)}, BoltFormatError);
    EXPECT_THROW(BoltDatabase{std::string(8192, 'x')}, BoltFormatError);
}

TEST(BoltDatabase, ForgedPageSizeThrows) {
    auto file = fixture();
    for (const std::uint32_t size : {0u, 1u, 64u, 4095u, 1u << 20}) {
        put(file, 16 + 8, size, 4);
        reseal_meta(file, 0);
        put(file, fixture_page_size + 16 + 8, size, 4);
        reseal_meta(file, fixture_page_size);
        EXPECT_THROW(BoltDatabase{file}, BoltFormatError) << size;
    }
}

TEST(BoltDatabase, RootPastTheEndThrows) {
    auto file = fixture();
    set_root(file, 1, 16);  // the meta's high-water mark: pages 16-31 are not in use
    EXPECT_THROW(BoltDatabase(file).entries({}), BoltFormatError);
    set_root(file, 1, 1u << 30);  // past the file
    EXPECT_THROW(BoltDatabase(file).entries({}), BoltFormatError);
    set_root(file, 1, 1);  // a meta page
    EXPECT_THROW(BoltDatabase(file).entries({}), BoltFormatError);
    set_root(file, 1, 0);
    EXPECT_THROW(BoltDatabase(file).entries({}), BoltFormatError);
    set_root(file, 1, 14);  // the freelist
    EXPECT_THROW(BoltDatabase(file).entries({}), BoltFormatError);
    set_root(file, 1, 6);  // an overflow page: config text, no page header
    EXPECT_THROW(BoltDatabase(file).entries({}), BoltFormatError);
}

TEST(BoltDatabase, SubBucketPastTheEndThrows) {
    auto file = fixture();
    // "ctr"'s header in the root leaf (page 9) points at page 3: make it point past the end.
    const auto ctr = file.find(std::string("ctr") + '\x03', 9 * fixture_page_size);
    ASSERT_NE(ctr, std::string::npos);
    put(file, ctr + 3, 9999, 8);
    const BoltDatabase database(file);
    EXPECT_EQ(keys_of(database.entries({})).size(), 14u);
    EXPECT_THROW(database.entries(Path{"ctr"}), BoltFormatError);
}

TEST(BoltDatabase, CycleThrows) {
    auto file = fixture();
    // web1's bucket (page 10, named in page 3's leaf) made to point at the root page 9.
    const auto header = file.find(std::string(web1_id), 3 * fixture_page_size) + web1_id.size();
    ASSERT_EQ(file.substr(header, 8), std::string("\x0a\0\0\0\0\0\0\0", 8));
    put(file, header, 9, 8);
    EXPECT_THROW(BoltDatabase(file).entries(Path{"ctr", web1_id}), BoltFormatError);
    // ... or at "ctr"'s page, its parent's.
    put(file, header, 3, 8);
    EXPECT_THROW(BoltDatabase(file).entries(Path{"ctr", web1_id}), BoltFormatError);
}

TEST(BoltDatabase, OverflowPastTheEndThrows) {
    auto file = fixture();
    put(file, 5 * fixture_page_size + 12, 11, 4);  // pages 5-16, the last is past pgid 16
    EXPECT_THROW(BoltDatabase(file).entries(Path{"ctr", other_id}), BoltFormatError);
    put(file, 5 * fixture_page_size + 12, 0xffffffff, 4);
    EXPECT_THROW(BoltDatabase(file).entries(Path{"ctr", other_id}), BoltFormatError);
    // Without its overflow, the config runs past the page.
    put(file, 5 * fixture_page_size + 12, 0, 4);
    EXPECT_THROW(BoltDatabase(file).entries(Path{"ctr", other_id}), BoltFormatError);
}

TEST(BoltDatabase, ElementPastThePageThrows) {
    const auto original = fixture();
    const auto first_element = 10 * fixture_page_size + 16;
    const auto entries_of_web1 = [](const std::string& file) {
        return BoltDatabase(file).entries(Path{"ctr", web1_id});
    };
    for (const std::uint64_t field : {4, 8, 12}) {  // pos, ksize, vsize
        auto file = original;
        put(file, first_element + field, 4 * fixture_page_size, 4);
        EXPECT_THROW(entries_of_web1(file), BoltFormatError) << field;
        put(file, first_element + field, 0xffffffff, 4);
        EXPECT_THROW(entries_of_web1(file), BoltFormatError) << field;
    }
    auto file = original;
    put(file, 10 * fixture_page_size + 10, 0xffff, 2);  // count: the table runs past the end
    EXPECT_THROW(entries_of_web1(file), BoltFormatError);
    file = original;
    put(file, 10 * fixture_page_size + 10, 1025, 2);  // 16 + 1025 * 16 > 4 pages
    EXPECT_THROW(entries_of_web1(file), BoltFormatError);
}

TEST(BoltDatabase, WrongPageFlagsAndIdThrow) {
    const auto original = fixture();
    auto file = original;
    put(file, 3 * fixture_page_size + 8, 0x10, 2);  // "ctr"'s leaf as a freelist
    EXPECT_THROW(BoltDatabase(file).entries(Path{"ctr"}), BoltFormatError);
    put(file, 3 * fixture_page_size + 8, 0x03, 2);
    EXPECT_THROW(BoltDatabase(file).entries(Path{"ctr"}), BoltFormatError);
    file = original;
    put(file, 3 * fixture_page_size, 4, 8);  // the header names another page
    EXPECT_THROW(BoltDatabase(file).entries(Path{"ctr"}), BoltFormatError);
    // An inline bucket's page that is not a leaf.
    file = original;
    const auto pod = file.find(std::string("pod") + '\x00', 9 * fixture_page_size);
    ASSERT_NE(pod, std::string::npos);
    put(file, pod + 3 + 16 + 8, 0x01, 2);
    EXPECT_THROW(BoltDatabase(file).entries(Path{"pod"}), BoltFormatError);
}

TEST(BoltDatabase, KeysOutOfOrderThrow) {
    auto file = fixture();
    // "all-ctrs", the root leaf's first key, renamed "zll-ctrs": it now sorts after "allPods".
    const auto all_ctrs = file.find("all-ctrs", 9 * fixture_page_size);
    ASSERT_NE(all_ctrs, std::string::npos);
    file[all_ctrs] = 'z';
    EXPECT_THROW(BoltDatabase(file).entries({}), BoltFormatError);
}

TEST(BoltDatabase, EveryTruncationAndFlippedHeaderByteIsReadOrRefused) {
    // No damage may crash the reader or make it throw anything but BoltFormatError.
    const auto original = fixture();
    const auto read_or_refuse = [](std::string_view file) {
        try {
            read_everything(BoltDatabase(file));
        } catch (const BoltFormatError&) {
        }
    };
    for (std::size_t size = 0; size <= original.size(); size += 256) {
        read_or_refuse(std::string_view(original).substr(0, size));
    }
    for (const std::uint64_t page : {0, 1, 3, 5, 9, 10}) {
        for (std::uint64_t offset = 0; offset < 320; ++offset) {
            for (const unsigned char flip : {0x01, 0x80, 0xff}) {
                auto file = original;
                file[page * fixture_page_size + offset] ^= static_cast<char>(flip);
                read_or_refuse(file);
            }
        }
    }
}

// ---- small files built here

TEST(BoltDatabase, BranchPagesAreWalkedInOrder) {
    // Root: a branch (page 2) over two leaves (pages 3, 4); "sub" is a bucket on page 5 whose
    // value overflows into pages 6 and 7; "inl" an inline bucket holding an inline bucket.
    SmallFile file(8, 2);
    file.page(2, branch_bytes(2, {{"a", 3}, {"m", 4}}));
    file.page(
        3, leaf_bytes(
               3, {{"a", "1"},
                   {"b", "2"},
                   {"inl", inline_bucket({{"inner", inline_bucket({{"k", "v"}}), true}}), true}}));
    file.page(4, leaf_bytes(4, {{"m", "3"}, {"sub", bucket_on_page(5), true}}));
    const std::string big(1000, 'x');
    file.page(5, leaf_bytes(5, {{"big", big}}, 2));
    const BoltDatabase database(file.bytes());
    EXPECT_EQ(database.transaction_id(), 2u);
    EXPECT_EQ(database.page_size(), small_page);
    EXPECT_EQ(keys_of(database.entries({})),
              (std::vector<std::string>{"a", "b", "inl", "m", "sub"}));
    EXPECT_EQ(database.value({}, "m"), "3");
    EXPECT_EQ(database.value(Path{"sub"}, "big"), big);
    EXPECT_EQ(database.value(Path{"inl", "inner"}, "k"), "v");
    EXPECT_EQ(read_everything(database), 5u);
}

TEST(BoltDatabase, BranchCycleThrows) {
    SmallFile file(4, 2);
    file.page(2, branch_bytes(2, {{"a", 3}, {"b", 2}}));
    file.page(3, leaf_bytes(3, {{"a", "1"}}));
    EXPECT_THROW(BoltDatabase(file.bytes()).entries({}), BoltFormatError);
    // The same leaf twice is a cycle too (and keys out of order).
    file.page(2, branch_bytes(2, {{"a", 3}, {"b", 3}}));
    EXPECT_THROW(BoltDatabase(file.bytes()).entries({}), BoltFormatError);
    // An empty branch.
    file.page(2, branch_bytes(2, {}));
    EXPECT_THROW(BoltDatabase(file.bytes()).entries({}), BoltFormatError);
}

TEST(BoltDatabase, DeepTreesAreRefused) {
    // A chain of branch pages, each with one child: 64 levels are read, 70 are not.
    const auto chain = [](std::uint64_t branches) {
        SmallFile file(2 + branches + 1, 2);
        for (std::uint64_t id = 2; id < 2 + branches; ++id) {
            file.page(id, branch_bytes(id, {{"k", id + 1}}));
        }
        file.page(2 + branches, leaf_bytes(2 + branches, {{"k", "deep"}}));
        return file;
    };
    const auto deep = chain(64);
    EXPECT_EQ(BoltDatabase(deep.bytes()).value({}, "k"), "deep");
    const auto deeper = chain(70);
    EXPECT_THROW(BoltDatabase(deeper.bytes()).entries({}), BoltFormatError);
}

TEST(BoltDatabase, BrokenInlineBucketsThrow) {
    SmallFile file(3, 2);
    // A bucket value shorter than a bucket header, then one without room for its page.
    file.page(2, leaf_bytes(2, {{"short", std::string(8, '\0'), true}}));
    EXPECT_THROW(BoltDatabase(file.bytes()).entries({}), BoltFormatError);
    file.page(2, leaf_bytes(2, {{"bare", std::string(20, '\0'), true}}));
    EXPECT_EQ(BoltDatabase(file.bytes()).entries({}).size(), 1u);
    EXPECT_THROW(BoltDatabase(file.bytes()).entries(Path{"bare"}), BoltFormatError);
    // An inline page whose element runs past the value (into the rest of the outer page).
    auto inner = inline_bucket({{"k", "v"}});
    put(inner, 16 + 16 + 12, 100, 4);
    file.page(2, leaf_bytes(2, {{"in", inner, true}, {"z", std::string(200, 'z')}}));
    EXPECT_THROW(BoltDatabase(file.bytes()).entries(Path{"in"}), BoltFormatError);
}

}  // namespace
TEST(BoltDatabase, NestedBucketsOfPodmanState) {
    const auto file = fixture();
    const BoltDatabase database(file);
    const auto containers = database.nested_buckets(Path{"ctr"});
    ASSERT_EQ(containers.size(), 2u);
    EXPECT_EQ(containers[0].key, other_id);
    EXPECT_EQ(containers[1].key, web1_id);
    for (const auto& container : containers) {
        const auto alone = database.entries(Path{"ctr", container.key});
        ASSERT_EQ(keys_of(container.entries), keys_of(alone)) << container.key;
        for (std::size_t i = 0; i < alone.size(); ++i) {
            EXPECT_EQ(container.entries[i].value, alone[i].value);
            EXPECT_EQ(container.entries[i].bucket, alone[i].bucket);
        }
    }
    // Values beside the buckets are left out; a missing bucket throws as entries() does.
    EXPECT_EQ(database.nested_buckets(Path{"all-ctrs"}).size(), 0u);
    EXPECT_THROW(database.nested_buckets(Path{"nope"}), BoltFormatError);
}

TEST(BoltDatabase, NestedBucketsSharingAPageAreACycle) {
    // bbolt never puts two buckets on one page: two that point to the same one are forged.
    SmallFile file(4, 2);
    file.page(2, leaf_bytes(2, {{"a", bucket_on_page(3), true}, {"b", bucket_on_page(3), true}}));
    file.page(3, leaf_bytes(3, {{"k", "v"}}));
    const BoltDatabase database(file.bytes());
    EXPECT_EQ(database.value(Path{"a"}, "k"), "v");
    EXPECT_EQ(database.value(Path{"b"}, "k"), "v");
    EXPECT_THROW(database.nested_buckets({}), BoltFormatError);
}

TEST(BoltDatabase, ManyNestedBucketsAreReadInOneWalk) {
    // 60000 empty inline buckets on one leaf (overflowing into some 6000 pages): a file a user
    // can write for their Podman state. Read once each, not the outer bucket once per bucket.
    constexpr std::size_t count = 60000;
    std::vector<Element> elements;
    elements.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        auto key = std::to_string(i);
        elements.push_back({std::string(8 - key.size(), '0') + key, inline_bucket({}), true});
    }
    const auto leaf = leaf_bytes(2, elements);
    const auto overflow = static_cast<std::uint32_t>((leaf.size() - 1) / small_page);
    SmallFile file(3 + overflow, 2);
    file.page(2, leaf_bytes(2, elements, overflow));
    const BoltDatabase database(file.bytes());
    const auto buckets = database.nested_buckets({});
    ASSERT_EQ(buckets.size(), count);
    EXPECT_EQ(buckets.back().key, "00059999");
    EXPECT_TRUE(buckets.back().entries.empty());
}

}  // namespace port_owner
