#include "sync/scan.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "io/faulty_file_system.h"
#include "io/file_system.h"
#include "io/memory_file_system.h"

namespace mtg::sync {
namespace {

io::PosixFileSystem& Posix() { return io::PosixFileSystem::Instance(); }

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it at the end.
class TempTree {
 public:
  TempTree() {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/mtg-scan-XXXXXX";
    char* made = ::mkdtemp(templ.data());
    EXPECT_NE(made, nullptr);
    root_ = templ;
  }
  ~TempTree() {
    std::string command = "chmod -R u+rwx '" + root_ + "' 2>/dev/null; rm -rf '" + root_ + "'";
    (void)std::system(command.c_str());
  }
  const std::string& root() const { return root_; }
  std::string Path(std::string_view rel) const { return io::JoinPath(root_, rel); }

  void File(std::string_view rel, std::string_view content = "x", int64_t mtime = 1400000000) {
    ASSERT_TRUE(Posix().MakeDirs(io::DirName(Path(rel))));
    auto file = Posix().OpenWrite(Path(rel), io::WriteMode::kTruncate);
    ASSERT_TRUE(file) << file.error().message;
    ASSERT_TRUE((*file)->WriteAt(0, content));
    ASSERT_TRUE((*file)->Close());
    ASSERT_TRUE(Posix().SetMtime(Path(rel), mtime));
  }
  void Dir(std::string_view rel) { ASSERT_TRUE(Posix().MakeDirs(Path(rel))); }
  void Link(std::string_view target, std::string_view rel) {
    ASSERT_TRUE(Posix().Symlink(std::string(target), Path(rel)));
  }

 private:
  std::string root_;
};

struct Seen {
  ScanEventKind kind;
  std::string name;
  uint64_t size;
  int64_t mtime;
  std::string message;
};

std::vector<Seen> RunScan(io::FileSystem& fs, const std::string& dir, bool follow = false,
                          const Filter* filter = nullptr, ScanStats* stats = nullptr) {
  std::vector<Seen> out;
  auto result = Scan(fs, ScanOptions{dir, follow, filter}, [&](const ScanEvent& e) {
    out.push_back(Seen{e.kind, e.relative_name, e.size, e.mtime, e.message});
    return true;
  });
  EXPECT_TRUE(result) << result.error().message;
  if (result && stats != nullptr) *stats = *result;
  return out;
}

std::vector<std::string> Names(const std::vector<Seen>& events, ScanEventKind kind) {
  std::vector<std::string> out;
  for (const Seen& e : events) {
    if (e.kind == kind) out.push_back(e.name);
  }
  return out;
}

const Seen* Find(const std::vector<Seen>& events, std::string_view name) {
  for (const Seen& e : events) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

using Strings = std::vector<std::string>;

TEST(Scan, NestedTreeInByteOrderWithSizesAndMtimes) {
  TempTree t;
  t.File("top.txt", "hello", 1234567890);
  t.File("a/b/c.txt", "12345678", -100);  // before 1970
  t.File("a/x", "y");
  t.File("a-b", "z");  // '-' < '/': a-b sorts before everything under a/
  t.File("a0", "z");   // '0' > '/': after a/
  t.File("empty.txt", "");
  t.File("a/b/empty", "");
  t.Dir("emptydir/inner");
  ScanStats stats;
  auto events = RunScan(Posix(), t.root(), false, nullptr, &stats);
  EXPECT_EQ(Names(events, ScanEventKind::kFile), (Strings{"a-b", "a/b/c.txt", "a/x", "a0", "top.txt"}));
  EXPECT_EQ(Names(events, ScanEventKind::kZeroSizeFile), (Strings{"a/b/empty", "empty.txt"}));
  const Seen* c = Find(events, "a/b/c.txt");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->size, 8u);
  EXPECT_EQ(c->mtime, -100);
  EXPECT_EQ(Find(events, "top.txt")->mtime, 1234567890);
  EXPECT_EQ(stats.files, 5u);
  EXPECT_EQ(stats.bytes, 5u + 8 + 1 + 1 + 1);
  EXPECT_EQ(stats.zero_size_files, 2u);
  EXPECT_EQ(stats.errors, 0u);
  EXPECT_EQ(stats.directories, 5u);  // root, a, a/b, emptydir, emptydir/inner
  // The whole event sequence is byte-sorted, not just each directory.
  Strings all;
  for (const Seen& e : events) all.push_back(e.name);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
}

TEST(Scan, AwkwardNamesComeThroughByteExact) {
  TempTree t;
  Strings names = {"with space.txt", "quote\"d'.txt", "back\\slash", "100%", "#hash", "-leading-dash",
                   "кириллица/Привет мир.txt", "emoji 😀/😀.bin", " lead", "trail ", "...", ".hidden"};
  for (const std::string& n : names) t.File(n);
  auto events = RunScan(Posix(), t.root());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(Names(events, ScanEventKind::kFile), names);
  for (const Seen& e : events) EXPECT_EQ(e.kind, ScanEventKind::kFile) << e.name << ": " << e.message;
}

TEST(Scan, ForbiddenNamesAreReportedPerFileAndTheScanGoesOn) {
  TempTree t;
  t.File("ok1");
  t.File("new\nline");
  t.File("tab\there");
  t.File("cr\r");
  t.File("bad\xff.bin");
  t.File("bad\ndir/inside");
  t.File("zz");
  ScanStats stats;
  auto events = RunScan(Posix(), t.root(), false, nullptr, &stats);
  EXPECT_EQ(Names(events, ScanEventKind::kFile), (Strings{"ok1", "zz"}));
  EXPECT_EQ(Names(events, ScanEventKind::kBadName),
            (Strings{"bad\ndir", "bad\xff.bin", "cr\r", "new\nline", "tab\there"}));
  EXPECT_EQ(stats.errors, 5u);
  for (const Seen& e : events) {
    if (e.kind != ScanEventKind::kBadName) continue;
    // The message never carries the raw control bytes or invalid UTF-8.
    EXPECT_EQ(e.message.find_first_of("\r\n\t\xff"), std::string::npos) << e.message;
  }
  EXPECT_NE(Find(events, "new\nline")->message.find("\"new\\nline\""), std::string::npos)
      << Find(events, "new\nline")->message;
  EXPECT_NE(Find(events, "bad\ndir")->message.find("skipped with everything in it"), std::string::npos);
}

TEST(Scan, SymlinksWithoutFollow) {
  TempTree t;
  t.File("real/f", "content", 1300000000);
  t.Link("real/f", "linkf");
  t.Link("real", "linkd");
  t.Link("missing", "dangling");
  t.Link("selfloop", "selfloop");
  t.Link("real/nothing", "empty-target");
  auto events = RunScan(Posix(), t.root());
  EXPECT_EQ(Names(events, ScanEventKind::kFile), (Strings{"linkf", "real/f"}));
  EXPECT_EQ(Find(events, "linkf")->size, 7u);  // the target's size and mtime
  EXPECT_EQ(Find(events, "linkf")->mtime, 1300000000);
  EXPECT_EQ(Names(events, ScanEventKind::kSymlinkToDir), (Strings{"linkd"}));
  EXPECT_EQ(Names(events, ScanEventKind::kDanglingSymlink), (Strings{"dangling", "empty-target", "selfloop"}));
  EXPECT_NE(Find(events, "selfloop")->message.find("loop"), std::string::npos);
}

TEST(Scan, FollowDescendsSymlinkedDirsAndFirstPathWins) {
  // The original's run: real/f was uploaded as linkd/f and linkf only.
  TempTree t;
  t.File("real/f", "content");
  t.Link("real/f", "linkf");
  t.Link("real", "linkd");
  t.Link("real/f", "linkg");  // files are never de-duplicated, only directories
  t.Link("real", "linke");
  auto events = RunScan(Posix(), t.root(), /*follow=*/true);
  EXPECT_EQ(Names(events, ScanEventKind::kFile), (Strings{"linkd/f", "linkf", "linkg"}));
  EXPECT_EQ(Names(events, ScanEventKind::kDuplicate), (Strings{"linke", "real"}));
  // Without --follow the same tree gives the plain file and the file symlinks.
  events = RunScan(Posix(), t.root());
  EXPECT_EQ(Names(events, ScanEventKind::kFile), (Strings{"linkf", "linkg", "real/f"}));
  EXPECT_EQ(Names(events, ScanEventKind::kSymlinkToDir), (Strings{"linkd", "linke"}));
}

TEST(Scan, FollowNeverLoops) {
  TempTree t;
  t.File("d/file");
  t.Link("..", "d/up");     // back to --dir
  t.Link(".", "d/self");    // to itself
  t.Link("../d", "d/again");
  t.File("e/x");
  t.Link("../f", "e/tof");
  t.Link("e", "f");         // e/tof → f → e: a two-step cycle
  auto events = RunScan(Posix(), t.root(), /*follow=*/true);
  EXPECT_EQ(Names(events, ScanEventKind::kFile), (Strings{"d/file", "e/x"}));
  EXPECT_EQ(Names(events, ScanEventKind::kLoop), (Strings{"d/again", "d/self", "d/up", "e/tof"}));
  EXPECT_EQ(Names(events, ScanEventKind::kDuplicate), (Strings{"f"}));
}

TEST(Scan, SymlinkedDirAsDirIsFollowed) {
  TempTree t;
  t.File("real/f");
  t.Link(t.Path("real"), "top");
  auto events = RunScan(Posix(), t.Path("top"));
  EXPECT_EQ(Names(events, ScanEventKind::kFile), (Strings{"f"}));
}

TEST(Scan, SpecialFilesAreNoticesOnly) {
  TempTree t;
  t.File("a");
  ASSERT_EQ(::mkfifo(t.Path("fifo").c_str(), 0600), 0);
  t.Link("fifo", "tofifo");
  ScanStats stats;
  auto events = RunScan(Posix(), t.root(), false, nullptr, &stats);
  EXPECT_EQ(Names(events, ScanEventKind::kFile), (Strings{"a"}));
  EXPECT_EQ(Names(events, ScanEventKind::kSpecialFile), (Strings{"fifo", "tofifo"}));
  EXPECT_EQ(stats.notices, 2u);
  EXPECT_EQ(stats.errors, 0u);
}

TEST(Scan, UnreadableDirectoryIsReportedAndTheScanGoesOn) {
  TempTree t;
  t.File("a/secret/file");
  t.File("b");
  ASSERT_EQ(::chmod(t.Path("a/secret").c_str(), 0), 0);
  auto events = RunScan(Posix(), t.root());
  if (::geteuid() == 0) {
    // Root ignores permissions: the directory is readable after all.
    EXPECT_EQ(Names(events, ScanEventKind::kFile), (Strings{"a/secret/file", "b"}));
    GTEST_SKIP() << "running as root: mode 000 does not stop root; see the injected-failure test";
  }
  EXPECT_EQ(Names(events, ScanEventKind::kFile), (Strings{"b"}));
  EXPECT_EQ(Names(events, ScanEventKind::kUnreadableDir), (Strings{"a/secret"}));
  EXPECT_NE(Find(events, "a/secret")->message.find("Permission denied"), std::string::npos);
}

TEST(Scan, InjectedListAndStatFailuresArePerEntry) {
  TempTree t;
  t.File("a/secret/file");
  t.File("a/z");
  t.File("b");
  t.File("c");
  io::FaultyFileSystem faulty(Posix());
  faulty.AddFault(io::Fault{static_cast<io::OpMask>(io::Op::kList), "/a/secret", 1, UINT64_MAX, EACCES, 0});
  faulty.AddFault(io::Fault{static_cast<io::OpMask>(io::Op::kStat), "/b", 1, UINT64_MAX, EIO, 0});
  ScanStats stats;
  auto events = RunScan(faulty, t.root(), false, nullptr, &stats);
  EXPECT_EQ(Names(events, ScanEventKind::kFile), (Strings{"a/z", "c"}));
  EXPECT_EQ(Names(events, ScanEventKind::kUnreadableDir), (Strings{"a/secret"}));
  EXPECT_EQ(Names(events, ScanEventKind::kStatFailed), (Strings{"b"}));
  EXPECT_NE(Find(events, "a/secret")->message.find("Permission denied"), std::string::npos);
  EXPECT_NE(Find(events, "a/secret")->message.find("neither synced nor treated as removed"),
            std::string::npos);
  EXPECT_EQ(stats.errors, 2u);
}

TEST(Scan, FiltersPruneOnlyExcludedSubtreesWithMatchSubdirs) {
  TempTree t;
  t.File("data/a.gz");
  t.File("data/x/y.gz");
  t.File("data/a.txt");
  t.File("other/a.gz");
  t.File("log/deep/l.gz");
  t.File("a.gz");
  io::FaultyFileSystem faulty(Posix());
  // A pruned directory is never listed: listing it would fail loudly here.
  faulty.AddFault(io::Fault{static_cast<io::OpMask>(io::Op::kList), "/log", 1, UINT64_MAX, EACCES, 0});

  Filter prune_log;
  ASSERT_TRUE(prune_log.AddFilter("-log/"));
  auto events = RunScan(faulty, t.root(), false, &prune_log);
  EXPECT_EQ(Names(events, ScanEventKind::kFile),
            (Strings{"a.gz", "data/a.gz", "data/a.txt", "data/x/y.gz", "other/a.gz"}));
  EXPECT_TRUE(Names(events, ScanEventKind::kUnreadableDir).empty());

  // Excluded without match_subdirs: descended, each file checked by itself.
  Filter only_data_gz;
  ASSERT_TRUE(only_data_gz.AddFilter("-!/data/ +*.gz -"));
  events = RunScan(Posix(), t.root(), false, &only_data_gz);
  EXPECT_EQ(Names(events, ScanEventKind::kFile), (Strings{"data/a.gz", "data/x/y.gz"}));

  Filter include_first;  // an include rule before the exclusion: nothing may be pruned
  ASSERT_TRUE(include_first.AddFilter("+*.gz -log/"));
  events = RunScan(faulty, t.root(), false, &include_first);
  EXPECT_EQ(Names(events, ScanEventKind::kUnreadableDir), (Strings{"log"}));
}

TEST(Scan, FiltersApplyBeforeNoticesAndErrors) {
  TempTree t;
  t.File("keep");
  t.File("junk/new\nline");
  t.Link("nowhere", "junk-link");
  Filter filter;
  ASSERT_TRUE(filter.AddFilter("-junk**"));
  auto events = RunScan(Posix(), t.root(), false, &filter);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, "keep");
}

TEST(Scan, DirMustBeADirectory) {
  TempTree t;
  t.File("file");
  auto not_dir = Scanner::Open(Posix(), ScanOptions{t.Path("file"), false, nullptr});
  ASSERT_FALSE(not_dir);
  EXPECT_EQ(not_dir.error().message, "Not a directory " + t.Path("file"));
  EXPECT_EQ(not_dir.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(Scanner::Open(Posix(), ScanOptions{t.Path("missing"), false, nullptr}));
}

TEST(Scan, CallerCanStopEarly) {
  TempTree t;
  for (char c = 'a'; c <= 'j'; ++c) t.File(std::string(1, c));
  int seen = 0;
  auto stats = Scan(Posix(), ScanOptions{t.root(), false, nullptr}, [&](const ScanEvent&) {
    return ++seen < 3;
  });
  ASSERT_TRUE(stats);
  EXPECT_EQ(seen, 3);
  EXPECT_EQ(stats->files, 3u);
}

TEST(Scan, WorksOnTheMemoryFileSystem) {
  io::MemoryFileSystem fs;
  ASSERT_TRUE(fs.MakeDirs("/d/sub"));
  ASSERT_TRUE(fs.WriteFileAtomically("/d/sub/b", "bb"));
  ASSERT_TRUE(fs.WriteFileAtomically("/d/a", "a"));
  ASSERT_TRUE(fs.WriteFileAtomically("/d/zero", ""));
  auto events = RunScan(fs, "/d");
  EXPECT_EQ(Names(events, ScanEventKind::kFile), (Strings{"a", "sub/b"}));
  EXPECT_EQ(Names(events, ScanEventKind::kZeroSizeFile), (Strings{"zero"}));
}

TEST(Scan, WideDirectoryStreams) {
  // Many files, one event at a time: the scanner holds the listing, the caller nothing.
  io::MemoryFileSystem fs;
  ASSERT_TRUE(fs.MakeDirs("/w"));
  for (int i = 0; i < 3000; ++i) ASSERT_TRUE(fs.WriteFileAtomically("/w/f" + std::to_string(i), "x"));
  auto scanner = Scanner::Open(fs, ScanOptions{"/w", false, nullptr});
  ASSERT_TRUE(scanner);
  ScanEvent event;
  std::string previous;
  int count = 0;
  while (scanner->Next(event)) {
    EXPECT_LT(previous, event.relative_name);
    previous = event.relative_name;
    ++count;
  }
  EXPECT_EQ(count, 3000);
  EXPECT_EQ(scanner->stats().files, 3000u);
}

}  // namespace
}  // namespace mtg::sync
