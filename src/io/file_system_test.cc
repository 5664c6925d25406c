// One behavioural suite run against both PosixFileSystem (in a temp dir) and MemoryFileSystem,
// so the fake cannot drift from the real thing.
#include <ftw.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/page_buffer.h"
#include "io/file_system.h"
#include "io/memory_file_system.h"

namespace mtg::io {
namespace {

int RemoveEntry(const char* path, const struct stat*, int, struct FTW*) { return ::remove(path); }

// A PosixFileSystem rooted in a fresh directory under TMPDIR, removed afterwards.
struct PosixEnv {
  PosixEnv() {
    ::umask(022);
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/mtg_io_test.XXXXXX";
    char* made = ::mkdtemp(pattern.data());
    if (made == nullptr) std::abort();
    root = made;
  }
  ~PosixEnv() { ::nftw(root.c_str(), RemoveEntry, 16, FTW_DEPTH | FTW_PHYS); }
  FileSystem& fs() { return PosixFileSystem::Instance(); }
  static constexpr bool kIsPosix = true;
  std::string root;
};

struct MemoryEnv {
  MemoryEnv() : memory(&clock) {
    root = "/tmp/test root";
    if (!memory.MakeDirs(root)) std::abort();
  }
  FileSystem& fs() { return memory; }
  static constexpr bool kIsPosix = false;
  ManualClock clock;
  MemoryFileSystem memory;
  std::string root;
};

template <typename Env>
class FileSystemTest : public ::testing::Test {
 protected:
  FileSystem& fs() { return env_.fs(); }
  std::string P(std::string_view name) { return JoinPath(env_.root, name); }
  void Put(std::string_view name, std::string_view data) {
    auto file = fs().OpenWrite(P(name), WriteMode::kTruncate);
    ASSERT_TRUE(file) << file.error().message;
    ASSERT_TRUE((*file)->WriteAt(0, data));
  }
  std::string Get(std::string_view name) {
    auto data = fs().ReadFile(P(name));
    return data ? *data : "<error: " + data.error().message + ">";
  }
  Env env_;
};

using Envs = ::testing::Types<PosixEnv, MemoryEnv>;
class EnvNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return T::kIsPosix ? "Posix" : "Memory";
  }
};
TYPED_TEST_SUITE(FileSystemTest, Envs, EnvNames);

TYPED_TEST(FileSystemTest, WriteThenReadAtOffsets) {
  auto file = this->fs().OpenWrite(this->P("a"), WriteMode::kCreateNew);
  ASSERT_TRUE(file);
  ASSERT_TRUE((*file)->WriteAt(0, std::string_view("hello world")));
  ASSERT_TRUE((*file)->Sync());
  EXPECT_EQ(*(*file)->Size(), 11u);

  auto reader = this->fs().OpenRead(this->P("a"), ReadHint::kSequential);
  ASSERT_TRUE(reader);
  char buf[5];
  EXPECT_EQ(*(*reader)->ReadAt(6, std::span<char>(buf)), 5u);
  EXPECT_EQ(std::string_view(buf, 5), "world");
  EXPECT_EQ(*(*reader)->ReadAt(8, std::span<char>(buf)), 3u);  // short read at EOF
  EXPECT_EQ(std::string_view(buf, 3), "rld");
  EXPECT_EQ(*(*reader)->ReadAt(11, std::span<char>(buf)), 0u);  // at EOF
  EXPECT_EQ(*(*reader)->ReadAt(1000000, std::span<char>(buf)), 0u);  // far beyond EOF
  EXPECT_EQ(*(*reader)->Size(), 11u);
  EXPECT_EQ(this->Get("a"), "hello world");
}

// Direct reads give the same bytes whatever the alignment: aligned offsets into an aligned
// buffer (the part reads), unaligned lengths (a file's tail), unaligned buffers and offsets, and
// data still dirty in the page cache (just written, not synced) all read back exactly.
TYPED_TEST(FileSystemTest, DirectReadsReturnExactBytesAtAnyAlignment) {
  std::string data(3 * 4096 * 64 + 777, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 131) ^ (i >> 9));
  this->Put("big", data);  // not synced: the kernel must write the dirty pages back first
  PageBuffer aligned(data.size() + 8192);
  ASSERT_NE(aligned.data(), nullptr);
  struct Case {
    uint64_t offset;
    size_t length;
    size_t buffer_shift;
  };
  const Case cases[] = {
      {0, 4096 * 64, 0},             // a whole aligned block
      {4096 * 64, 4096 * 64 * 2 + 777, 0},  // aligned start, ends at EOF with a tail
      {4096, 4096 * 3 + 5, 0},       // aligned start, unaligned length inside the file
      {100, 5000, 0},                // unaligned offset
      {8192, 4096 * 2, 3},           // unaligned buffer
      {data.size() - 10, 4096, 0},   // short read at EOF
      {data.size() + 4096, 4096, 0}, // beyond EOF
  };
  for (const Case& c : cases) {
    auto reader = this->fs().OpenRead(this->P("big"), ReadHint::kDirect);
    ASSERT_TRUE(reader) << reader.error().message;
    std::span<uint8_t> out(aligned.data() + c.buffer_shift, c.length);
    auto n = (*reader)->ReadAt(c.offset, out);
    ASSERT_TRUE(n) << n.error().message;
    size_t expect = c.offset >= data.size() ? 0 : std::min<size_t>(c.length, data.size() - c.offset);
    ASSERT_EQ(*n, expect) << "offset " << c.offset;
    EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(out.data()), *n),
              std::string_view(data).substr(std::min<size_t>(c.offset, data.size()), expect))
        << "offset " << c.offset << " length " << c.length;
  }
  // One handle, reading a whole file part by part as the uploader does.
  auto reader = this->fs().OpenRead(this->P("big"), ReadHint::kDirect);
  ASSERT_TRUE(reader);
  std::string whole;
  for (uint64_t offset = 0;; offset += 4096 * 64) {
    auto n = (*reader)->ReadAt(offset, aligned.first(4096 * 64));
    ASSERT_TRUE(n);
    if (*n == 0) break;
    whole.append(reinterpret_cast<const char*>(aligned.data()), *n);
  }
  EXPECT_EQ(whole, data);
}

TYPED_TEST(FileSystemTest, WritePastEndLeavesZeroGap) {
  auto file = this->fs().OpenWrite(this->P("gap"), WriteMode::kTruncate);
  ASSERT_TRUE(file);
  ASSERT_TRUE((*file)->WriteAt(4, std::string_view("xy")));
  EXPECT_EQ(this->Get("gap"), std::string("\0\0\0\0xy", 6));
  char buf[6];
  EXPECT_EQ(*(*file)->ReadAt(0, std::span<char>(buf)), 6u);
  ASSERT_TRUE((*file)->Truncate(2));
  EXPECT_EQ(*(*file)->Size(), 2u);
  ASSERT_TRUE((*file)->Close());
  EXPECT_FALSE((*file)->WriteAt(0, std::string_view("z")));
  EXPECT_FALSE((*file)->Close());
}

TYPED_TEST(FileSystemTest, WriteModes) {
  this->Put("f", "old content");
  auto again = this->fs().OpenWrite(this->P("f"), WriteMode::kCreateNew);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().sys_errno, EEXIST);

  auto missing = this->fs().OpenWrite(this->P("nope"), WriteMode::kExisting);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  {
    auto keep = this->fs().OpenWrite(this->P("f"), WriteMode::kCreateOrOpen);
    ASSERT_TRUE(keep);
    ASSERT_TRUE((*keep)->WriteAt(0, std::string_view("NEW")));
  }
  EXPECT_EQ(this->Get("f"), "NEW content");
  {
    auto existing = this->fs().OpenWrite(this->P("f"), WriteMode::kExisting);
    ASSERT_TRUE(existing);
    EXPECT_EQ(*(*existing)->Size(), 11u);
  }
  ASSERT_TRUE(this->fs().OpenWrite(this->P("f"), WriteMode::kTruncate));
  EXPECT_EQ(this->Get("f"), "");
}

TYPED_TEST(FileSystemTest, AppendKeepsExistingContent) {
  {
    auto log = this->fs().OpenAppend(this->P("journal"));
    ASSERT_TRUE(log);
    ASSERT_TRUE((*log)->Append(std::string_view("line1\n")));
    ASSERT_TRUE((*log)->Sync());
    EXPECT_EQ(*(*log)->Size(), 6u);
    ASSERT_TRUE((*log)->Close());
    EXPECT_FALSE((*log)->Append(std::string_view("late\n")));
  }
  auto log = this->fs().OpenAppend(this->P("journal"));
  ASSERT_TRUE(log);
  ASSERT_TRUE((*log)->Append(std::string_view("line2\n")));
  EXPECT_EQ(*(*log)->Size(), 12u);
  EXPECT_EQ(this->Get("journal"), "line1\nline2\n");
}

TYPED_TEST(FileSystemTest, ErrorsNameTheOperationAndPath) {
  std::string path = this->P("no such dir/file");
  auto r = this->fs().OpenRead(path);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(r.error().sys_errno, ENOENT);
  EXPECT_EQ(r.error().message, "open " + path + ": No such file or directory");

  auto d = this->fs().OpenRead(this->env_.root);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().sys_errno, EISDIR);
  EXPECT_EQ(d.error().code, ErrorCode::kIo);

  auto rn = this->fs().Rename(this->P("x"), this->P("y"));
  ASSERT_FALSE(rn);
  EXPECT_EQ(rn.error().message,
            "rename " + this->P("x") + " to " + this->P("y") + ": No such file or directory");

  auto st = this->fs().Stat(this->P("missing"));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "stat " + this->P("missing") + ": No such file or directory");
  EXPECT_FALSE(this->fs().ReadFile(this->env_.root));
  EXPECT_EQ(this->fs().SyncDir(this->P("missing")).error().code, ErrorCode::kNotFound);
}

TYPED_TEST(FileSystemTest, RenameReplacesAndHandlesFollowTheFile) {
  this->Put("tmp", "new");
  this->Put("final", "old");
  auto reader = this->fs().OpenRead(this->P("tmp"));
  ASSERT_TRUE(reader);
  ASSERT_TRUE(this->fs().Rename(this->P("tmp"), this->P("final")));
  ASSERT_TRUE(this->fs().SyncDir(this->env_.root));
  EXPECT_EQ(this->Get("final"), "new");
  EXPECT_FALSE(*this->fs().Exists(this->P("tmp")));
  // The open handle still reads the renamed file, and keeps it after unlink.
  ASSERT_TRUE(this->fs().Remove(this->P("final")));
  char buf[3];
  EXPECT_EQ(*(*reader)->ReadAt(0, std::span<char>(buf)), 3u);
  EXPECT_EQ(std::string_view(buf, 3), "new");

  ASSERT_TRUE(this->fs().MakeDirs(this->P("d1/sub")));
  this->Put("d1/sub/f", "x");
  ASSERT_TRUE(this->fs().Rename(this->P("d1"), this->P("d2")));
  EXPECT_EQ(this->Get("d2/sub/f"), "x");
  EXPECT_EQ(this->fs().Rename(this->P("d2"), this->P("d2/sub/inner")).error().sys_errno, EINVAL);
  this->Put("file", "f");
  EXPECT_EQ(this->fs().Rename(this->P("file"), this->P("d2")).error().sys_errno, EISDIR);
  EXPECT_EQ(this->fs().Rename(this->P("d2"), this->P("file")).error().sys_errno, ENOTDIR);
  ASSERT_TRUE(this->fs().MakeDirs(this->P("empty")));
  ASSERT_TRUE(this->fs().Rename(this->P("d2"), this->P("empty")));
  EXPECT_EQ(this->Get("empty/sub/f"), "x");
}

TYPED_TEST(FileSystemTest, RemoveAndRemoveDir) {
  ASSERT_TRUE(this->fs().MakeDirs(this->P("d")));
  this->Put("d/f", "1");
  EXPECT_EQ(this->fs().Remove(this->P("d")).error().sys_errno, EISDIR);
  EXPECT_EQ(this->fs().RemoveDir(this->P("d")).error().sys_errno, ENOTEMPTY);
  EXPECT_EQ(this->fs().RemoveDir(this->P("d/f")).error().sys_errno, ENOTDIR);
  ASSERT_TRUE(this->fs().Remove(this->P("d/f")));
  EXPECT_EQ(this->fs().Remove(this->P("d/f")).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(this->fs().RemoveDir(this->P("d")));
  EXPECT_FALSE(*this->fs().Exists(this->P("d")));
}

TYPED_TEST(FileSystemTest, MakeDirs) {
  ASSERT_TRUE(this->fs().MakeDirs(this->P("a/b//c/")));
  ASSERT_TRUE(this->fs().MakeDirs(this->P("a/b/c")));  // idempotent
  EXPECT_EQ(this->fs().Stat(this->P("a/b/c"))->type, FileType::kDirectory);
  this->Put("a/file", "");
  auto over_file = this->fs().MakeDirs(this->P("a/file"));
  ASSERT_FALSE(over_file);
  EXPECT_EQ(over_file.error().sys_errno, EEXIST);
  auto under_file = this->fs().MakeDirs(this->P("a/file/x/y"));
  ASSERT_FALSE(under_file);
  EXPECT_EQ(under_file.error().sys_errno, ENOTDIR);
  EXPECT_NE(under_file.error().message.find(this->P("a/file")), std::string::npos);
}

TYPED_TEST(FileSystemTest, StatAndSymlinks) {
  this->Put("target", "12345");
  auto info = this->fs().Stat(this->P("target"));
  ASSERT_TRUE(info);
  EXPECT_EQ(info->type, FileType::kRegular);
  EXPECT_EQ(info->size, 5u);
  EXPECT_EQ(info->mode, 0644u);

  ASSERT_TRUE(this->fs().Symlink("target", this->P("link")));
  EXPECT_EQ(this->fs().Stat(this->P("link"))->type, FileType::kRegular);
  EXPECT_EQ(this->fs().Stat(this->P("link"))->inode, info->inode);
  EXPECT_EQ(this->fs().LStat(this->P("link"))->type, FileType::kSymlink);
  EXPECT_EQ(*this->fs().ReadLink(this->P("link")), "target");
  EXPECT_EQ(this->fs().ReadLink(this->P("target")).error().sys_errno, EINVAL);
  EXPECT_EQ(this->Get("link"), "12345");
  EXPECT_EQ(this->fs().Symlink("x", this->P("link")).error().code, ErrorCode::kAlreadyExists);

  ASSERT_TRUE(this->fs().MakeDirs(this->P("dir/sub")));
  ASSERT_TRUE(this->fs().Symlink("dir/sub", this->P("dirlink")));
  this->Put("dirlink/through", "t");
  EXPECT_EQ(this->Get("dir/sub/through"), "t");
  auto real = this->fs().RealPath(this->P("dirlink/../sub/./through"));
  ASSERT_TRUE(real) << real.error().message;
  auto root_real = this->fs().RealPath(this->env_.root);
  ASSERT_TRUE(root_real);
  EXPECT_EQ(*real, *root_real + "/dir/sub/through");

  ASSERT_TRUE(this->fs().Symlink("nowhere", this->P("dangling")));
  EXPECT_EQ(this->fs().Stat(this->P("dangling")).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(this->fs().LStat(this->P("dangling"))->type, FileType::kSymlink);
  EXPECT_TRUE(*this->fs().Exists(this->P("dangling")));
  ASSERT_TRUE(this->fs().Symlink("loop2", this->P("loop1")));
  ASSERT_TRUE(this->fs().Symlink("loop1", this->P("loop2")));
  EXPECT_EQ(this->fs().Stat(this->P("loop1")).error().sys_errno, ELOOP);
  ASSERT_TRUE(this->fs().Remove(this->P("link")));  // removes the link, not the target
  EXPECT_EQ(this->Get("target"), "12345");
}

TYPED_TEST(FileSystemTest, ListIsSortedWithTypes) {
  ASSERT_TRUE(this->fs().MakeDirs(this->P("l/sub")));
  this->Put("l/b", "");
  this->Put("l/a", "");
  ASSERT_TRUE(this->fs().Symlink("a", this->P("l/c")));
  auto entries = this->fs().List(this->P("l"));
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 4u);
  EXPECT_EQ((*entries)[0].name, "a");
  EXPECT_EQ((*entries)[0].type, FileType::kRegular);
  EXPECT_EQ((*entries)[1].name, "b");
  EXPECT_EQ((*entries)[2].name, "c");
  EXPECT_EQ((*entries)[2].type, FileType::kSymlink);
  EXPECT_EQ((*entries)[3].name, "sub");
  EXPECT_EQ((*entries)[3].type, FileType::kDirectory);
  EXPECT_EQ(this->fs().List(this->P("l/a")).error().sys_errno, ENOTDIR);
  EXPECT_EQ(this->fs().List(this->P("none")).error().code, ErrorCode::kNotFound);
}

TYPED_TEST(FileSystemTest, MtimesBefore1970AndAfter2038) {
  this->Put("m", "x");
  for (int64_t mtime : {int64_t{-1969112106}, int64_t{-1}, int64_t{0}, int64_t{1355566755},
                        int64_t{2147483648}, int64_t{4102444800}}) {  // ext4 stops at 2446
    ASSERT_TRUE(this->fs().SetMtime(this->P("m"), mtime)) << mtime;
    EXPECT_EQ(this->fs().Stat(this->P("m"))->mtime, mtime);
  }
  EXPECT_EQ(this->fs().SetMtime(this->P("none"), 5).error().code, ErrorCode::kNotFound);
}

TYPED_TEST(FileSystemTest, AwkwardNames) {
  const std::string names[] = {"with space", "-leading-dash", "Ünïcødé 日本", "tab\there",
                               std::string("bad\xff\xfe utf8"), "new\nline", ".hidden", "--"};
  ASSERT_TRUE(this->fs().MakeDirs(this->P("names")));
  for (const auto& name : names) this->Put("names/" + name, name);
  auto entries = this->fs().List(this->P("names"));
  ASSERT_TRUE(entries);
  std::set<std::string> listed;
  for (const auto& entry : *entries) listed.insert(entry.name);
  EXPECT_EQ(listed, std::set<std::string>(std::begin(names), std::end(names)));
  for (const auto& name : names) EXPECT_EQ(this->Get("names/" + name), name);
}

TYPED_TEST(FileSystemTest, ChmodAndCreateMode) {
  auto file = this->fs().OpenWrite(this->P("secret"), WriteMode::kCreateNew, 0600);
  ASSERT_TRUE(file);
  EXPECT_EQ(this->fs().Stat(this->P("secret"))->mode, 0600u);
  ASSERT_TRUE(this->fs().Chmod(this->P("secret"), 0640));
  EXPECT_EQ(this->fs().Stat(this->P("secret"))->mode, 0640u);
  ASSERT_TRUE(this->fs().MakeDirs(this->P("dir"), 0700));
  EXPECT_EQ(this->fs().Stat(this->P("dir"))->mode, 0700u);
}

TYPED_TEST(FileSystemTest, LockIsExclusivePerLockObject) {
  std::string path = this->P("journal.lock");
  auto first = this->fs().Lock(path);
  ASSERT_TRUE(first) << first.error().message;
  auto second = this->fs().Lock(path);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kLocked);
  EXPECT_EQ(second.error().message, "lock " + path + ": already locked by another process");
  first->reset();
  auto third = this->fs().Lock(path);
  EXPECT_TRUE(third);
  // A lock on an existing file keeps its content.
  this->Put("data", "keep");
  auto on_data = this->fs().Lock(this->P("data"));
  ASSERT_TRUE(on_data);
  EXPECT_EQ(this->Get("data"), "keep");
  EXPECT_EQ(this->fs().Lock(this->P("no dir/x")).error().code, ErrorCode::kNotFound);
}

TYPED_TEST(FileSystemTest, ReadFileLimit) {
  this->Put("big", std::string(100, 'b'));
  EXPECT_EQ(this->fs().ReadFile(this->P("big"), 100)->size(), 100u);
  auto too_big = this->fs().ReadFile(this->P("big"), 99);
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error().sys_errno, EFBIG);
}

TYPED_TEST(FileSystemTest, WriteFileAtomicallyLeavesNoTemporaries) {
  ASSERT_TRUE(this->fs().MakeDirs(this->P("w")));
  ASSERT_TRUE(this->fs().WriteFileAtomically(this->P("w/state"), "one"));
  ASSERT_TRUE(this->fs().WriteFileAtomically(this->P("w/state"), "two", 0600));
  EXPECT_EQ(this->Get("w/state"), "two");
  EXPECT_EQ(this->fs().Stat(this->P("w/state"))->mode, 0600u);
  auto entries = this->fs().List(this->P("w"));
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].name, "state");
  EXPECT_FALSE(this->fs().WriteFileAtomically(this->P("missing/state"), "x"));
}

TYPED_TEST(FileSystemTest, CreateUniqueFileNamesDiffer) {
  std::set<std::string> paths;
  for (int i = 0; i < 20; ++i) {
    auto unique = this->fs().CreateUniqueFile(this->env_.root, ".dl-");
    ASSERT_TRUE(unique);
    EXPECT_TRUE(BaseName(unique->path).starts_with(".dl-"));
    EXPECT_EQ(DirName(unique->path), this->env_.root);
    paths.insert(unique->path);
  }
  EXPECT_EQ(paths.size(), 20u);
}

TYPED_TEST(FileSystemTest, ConcurrentReadsWhileAppending) {
  std::string block(4096, 'z');
  this->Put("shared", block);
  auto log = this->fs().OpenAppend(this->P("shared"));
  ASSERT_TRUE(log);
  auto reader = this->fs().OpenRead(this->P("shared"));
  ASSERT_TRUE(reader);
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      char buf[4096];
      for (int i = 0; i < 200; ++i) {
        auto n = (*reader)->ReadAt(0, std::span<char>(buf));
        if (!n || *n != sizeof buf || std::string_view(buf, sizeof buf) != block) ++bad;
      }
    });
  }
  for (int i = 0; i < 200; ++i) ASSERT_TRUE((*log)->Append(std::string_view("tail")));
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(*(*reader)->Size(), 4096u + 800u);
}

TEST(PosixFileSystemTest, LockConflictsAcrossProcesses) {
  PosixEnv env;
  std::string path = env.root + "/lock";
  auto held = env.fs().Lock(path);
  ASSERT_TRUE(held);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto attempt = PosixFileSystem::Instance().Lock(path);
    ::_exit(!attempt && attempt.error().code == ErrorCode::kLocked ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  held->reset();
  child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto attempt = PosixFileSystem::Instance().Lock(path);
    ::_exit(attempt ? 0 : 1);
  }
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(PosixFileSystemTest, SpecialFilesAreOther) {
  PosixEnv env;
  std::string fifo = env.root + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  EXPECT_EQ(env.fs().LStat(fifo)->type, FileType::kOther);
  EXPECT_EQ(env.fs().List(env.root)->at(0).type, FileType::kOther);
  // Opening a fifo must fail at once, not block waiting for a writer or reader.
  auto read = env.fs().OpenRead(fifo);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().message, "open " + fifo + ": not a regular file");
  EXPECT_FALSE(env.fs().ReadFile(fifo));
  EXPECT_FALSE(env.fs().OpenAppend(fifo));
  EXPECT_FALSE(env.fs().OpenWrite(fifo, WriteMode::kExisting));
}

TEST(MemoryFileSystemTest, SpecialFilesAndClock) {
  ManualClock clock(1000);
  MemoryFileSystem fs(&clock);
  ASSERT_TRUE(fs.MakeSpecial("/sock"));
  EXPECT_EQ(fs.LStat("/sock")->type, FileType::kOther);
  EXPECT_EQ(fs.OpenRead("/sock").error().message, "open /sock: not a regular file");
  EXPECT_EQ(fs.ReadFile("/sock").error().sys_errno, ENXIO);
  auto file = fs.OpenAppend("/f");
  ASSERT_TRUE(file);
  EXPECT_EQ(fs.Stat("/f")->mtime, 1000);
  clock.Advance(5000);
  ASSERT_TRUE((*file)->Append(std::string_view("x")));
  EXPECT_EQ(fs.Stat("/f")->mtime, 1005);
  EXPECT_EQ(*fs.RealPath("f"), "/f");  // relative paths start at "/"
  EXPECT_EQ(fs.RealPath("missing/../f").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(*fs.RealPath("/"), "/");
}

TEST(PathTest, JoinDirBase) {
  EXPECT_EQ(JoinPath("a", "b"), "a/b");
  EXPECT_EQ(JoinPath("a/", "b"), "a/b");
  EXPECT_EQ(JoinPath("/", "b"), "/b");
  EXPECT_EQ(JoinPath("", "b"), "b");
  EXPECT_EQ(DirName("/a/b"), "/a");
  EXPECT_EQ(DirName("a"), ".");
  EXPECT_EQ(DirName("/a"), "/");
  EXPECT_EQ(DirName("a/b/"), "a");
  EXPECT_EQ(DirName("/"), "/");
  EXPECT_EQ(BaseName("/a/b"), "b");
  EXPECT_EQ(BaseName("a/b/"), "b");
  EXPECT_EQ(BaseName("/"), "/");
  EXPECT_EQ(BaseName("-x"), "-x");
}

}  // namespace
}  // namespace mtg::io
