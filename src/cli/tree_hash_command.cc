#include "cli/tree_hash_command.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <functional>
#include <memory>
#include <cstring>
#include <mutex>
#include <optional>
#include <ostream>
#include <thread>
#include <vector>

#include "base/thread_pool.h"
#include "hash/tree_hash.h"

namespace mtg::cli {

const std::string_view kTreeHashUsage =
    "Usage: mtglacier tree-hash [FILE]...\n"
    "Print the Amazon Glacier SHA-256 tree hash of each FILE, one line per file in\n"
    "sha256sum's format: the hash, two spaces, the name. With no FILE, or when FILE is -,\n"
    "read standard input. Files, and 16 MiB segments of big files, are hashed in parallel\n"
    "on every core; lines come out in argument order.\n"
    "\n"
    "The tree hash is what Glacier stores as an archive's checksum (and mt-aws-glacier as\n"
    "the treehash column of its journal): SHA-256 of each 1 MiB piece, then of adjacent pairs\n"
    "of hashes level by level. A file of 1 MiB or less has a tree hash equal to its SHA-256.\n"
    "An empty file prints the SHA-256 of nothing (e3b0c442...b855), but Glacier does not\n"
    "accept empty archives.\n"
    "\n"
    "A file that cannot be read is reported on stderr as 'mtglacier: tree-hash: FILE: reason';\n"
    "the other files are still hashed. Exit status: 0 all hashed, 3 some failed, 1 all failed,\n"
    "2 bad usage.\n";

namespace {

std::span<uint8_t> ReadBuffer() {
  // One buffer per worker thread, reused across files: hashing a file allocates nothing.
  thread_local std::vector<uint8_t> buffer(kHashReadSize);
  return buffer;
}

// The part of an error worth showing after the file name: the system's reason when there is
// one (the name is already on the line), the message otherwise.
std::string Reason(const Error& error) {
  if (error.sys_errno != 0) return std::strerror(error.sys_errno);
  return error.message;
}

// Tree hash of bytes [offset, offset + length) of a file, which must all be there.
Result<hash::Digest> TreeHashRange(io::ReadableFile& file, uint64_t offset, uint64_t length) {
  std::span<uint8_t> buffer = ReadBuffer();
  hash::TreeHasher hasher;
  for (uint64_t done = 0; done < length;) {
    std::span<uint8_t> want = buffer.first(static_cast<size_t>(std::min<uint64_t>(buffer.size(), length - done)));
    auto n = file.ReadAt(offset + done, want);
    if (!n) return std::unexpected(std::move(n.error()));
    if (*n < want.size()) return Fail(ErrorCode::kIo, "file shrank while it was being read");
    hasher.Update(want);
    done += *n;
  }
  return hasher.Final();
}

// A big file in segments of kHashSegmentSize, one task each. A segment is 2^k whole leaves
// starting on a multiple of its size, so its tree hash is a node of the file's tree, and
// the segments' hashes combine into the file's. The last segment to finish delivers.
struct SegmentedFile {
  std::unique_ptr<io::ReadableFile> file;  // ReadAt is safe from several threads
  std::vector<hash::Digest> segments;
  std::atomic<size_t> remaining{0};
  std::mutex mu;
  std::optional<Error> error;  // the first failure, under mu
  std::function<void(Result<hash::Digest>)> deliver;
};

void SubmitSegments(ThreadPool& pool, std::unique_ptr<io::ReadableFile> file, uint64_t size,
                    std::function<void(Result<hash::Digest>)> deliver) {
  auto job = std::make_shared<SegmentedFile>();
  size_t count = static_cast<size_t>((size + kHashSegmentSize - 1) / kHashSegmentSize);
  job->file = std::move(file);
  job->segments.resize(count);
  job->remaining = count;
  job->deliver = std::move(deliver);
  for (size_t k = 0; k < count; ++k) {
    pool.Submit([job, k, size] {
      uint64_t offset = k * kHashSegmentSize;
      auto r = TreeHashRange(*job->file, offset, std::min(kHashSegmentSize, size - offset));
      if (r) {
        job->segments[k] = *r;
      } else {
        std::lock_guard lock(job->mu);
        if (!job->error) job->error = std::move(r.error());
      }
      // The acquire-release decrement makes every segment written above visible here.
      if (job->remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        job->file.reset();
        if (job->error) {
          job->deliver(std::unexpected(std::move(*job->error)));
        } else {
          job->deliver(hash::CombineTreeHashes(job->segments));
        }
      }
    });
  }
}

}  // namespace

Result<hash::Digest> TreeHashReadable(io::ReadableFile& file) {
  std::span<uint8_t> buffer = ReadBuffer();
  hash::TreeHasher hasher;
  uint64_t offset = 0;
  while (true) {
    auto n = file.ReadAt(offset, buffer);
    if (!n) return std::unexpected(std::move(n.error()));
    hasher.Update(buffer.first(*n));
    offset += *n;
    if (*n < buffer.size()) break;  // ReadAt fills the buffer unless it reached end of file
  }
  return hasher.Final();
}

Result<hash::Digest> TreeHashFile(io::FileSystem& fs, const std::string& path) {
  auto file = fs.OpenRead(path, io::ReadHint::kSequential);
  if (!file) return std::unexpected(std::move(file.error()));
  return TreeHashReadable(**file);
}

Result<hash::Digest> TreeHashFd(int fd) {
  std::span<uint8_t> buffer = ReadBuffer();
  hash::TreeHasher hasher;
  while (true) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(SysError("read standard input", errno));
    }
    if (n == 0) break;
    hasher.Update(buffer.first(static_cast<size_t>(n)));
  }
  return hasher.Final();
}

std::string ChecksumLine(const hash::Digest& digest, std::string_view name) {
  bool escape = name.find_first_of("\\\n\r") != std::string_view::npos;
  std::string line;
  line.reserve(name.size() + 68);
  if (escape) line += '\\';
  line += hash::ToHex(digest);
  line += "  ";
  for (char c : name) {
    if (!escape) {
      line += c;
    } else if (c == '\\') {
      line += "\\\\";
    } else if (c == '\n') {
      line += "\\n";
    } else if (c == '\r') {
      line += "\\r";
    } else {
      line += c;
    }
  }
  line += '\n';
  return line;
}

ExitCode RunTreeHash(Context& ctx) {
  std::vector<std::string> files;
  bool options_done = false;
  for (const std::string& arg : ctx.args) {
    if (options_done || arg == "-" || arg.empty() || arg[0] != '-') {
      files.push_back(arg);
    } else if (arg == "--") {
      options_done = true;
    } else if (arg == "--help" || arg == "-h") {
      ctx.out << kTreeHashUsage;
      return kExitOk;
    } else {
      PrintError(ctx, "tree-hash", "unknown option '" + arg + "'");
      ctx.err << "Try 'mtglacier help tree-hash'.\n";
      return kExitUsage;
    }
  }
  if (files.empty()) files.push_back("-");

  // Results land in their argument slot; the main thread prints them in order as soon as
  // the next one in line is ready, so output streams while later files are still hashing.
  std::mutex mu;
  std::condition_variable done;
  std::vector<std::optional<Result<hash::Digest>>> results(files.size());
  std::mutex stdin_mu;  // "-" given twice reads stdin twice in turn, like sha256sum
  size_t next_to_print = 0;
  size_t failed = 0;

  auto print_ready = [&](bool wait) {
    std::unique_lock lock(mu);
    while (next_to_print < files.size()) {
      if (!results[next_to_print]) {
        if (!wait) return;
        done.wait(lock, [&] { return results[next_to_print].has_value(); });
      }
      const Result<hash::Digest>& r = *results[next_to_print];
      const std::string& name = files[next_to_print];
      if (r) {
        ctx.out << ChecksumLine(*r, name);
      } else {
        ++failed;
        ctx.out.flush();  // keep stdout and stderr lines in argument order on a terminal
        PrintError(ctx, "tree-hash", name + ": " + Reason(r.error()));
      }
      ++next_to_print;
    }
  };

  auto store = [&](size_t i, Result<hash::Digest> r) {
    {
      std::lock_guard lock(mu);
      results[i] = std::move(r);
    }
    done.notify_one();
  };

  unsigned threads = ctx.threads != 0 ? ctx.threads : std::max(1u, std::thread::hardware_concurrency());
  {
    ThreadPool pool(threads, 2 * threads);
    for (size_t i = 0; i < files.size(); ++i) {
      if (files[i] == "-") {
        pool.Submit([&, i] {
          std::lock_guard stdin_lock(stdin_mu);
          store(i, TreeHashFd(ctx.stdin_fd));
        });
      } else if (auto opened = ctx.fs.OpenRead(files[i], io::ReadHint::kSequential); !opened) {
        store(i, std::unexpected(std::move(opened.error())));
      } else if (auto size = (*opened)->Size(); !size) {
        store(i, std::unexpected(std::move(size.error())));
      } else if (*size <= kHashSegmentSize) {
        std::shared_ptr<io::ReadableFile> file = std::move(*opened);
        pool.Submit([&store, i, file] { store(i, TreeHashReadable(*file)); });
      } else {
        SubmitSegments(pool, std::move(*opened), *size, [&store, i](Result<hash::Digest> r) {
          store(i, std::move(r));
        });
      }
      print_ready(/*wait=*/false);
    }
    print_ready(/*wait=*/true);
  }
  ctx.out.flush();
  return ExitCodeForItems(failed, files.size());
}

}  // namespace mtg::cli
