#include "cli/tree_hash_command.h"

#include <unistd.h>

#include <cerrno>
#include <condition_variable>
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
    "read standard input. Files are hashed in parallel, one per core; lines come out in\n"
    "argument order.\n"
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

}  // namespace

Result<hash::Digest> TreeHashFile(io::FileSystem& fs, const std::string& path) {
  auto file = fs.OpenRead(path, io::ReadHint::kSequential);
  if (!file) return std::unexpected(std::move(file.error()));
  std::span<uint8_t> buffer = ReadBuffer();
  hash::TreeHasher hasher;
  uint64_t offset = 0;
  while (true) {
    auto n = (*file)->ReadAt(offset, buffer);
    if (!n) return std::unexpected(std::move(n.error()));
    hasher.Update(buffer.first(*n));
    offset += *n;
    if (*n < buffer.size()) break;  // ReadAt fills the buffer unless it reached end of file
  }
  return hasher.Final();
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

  unsigned threads = ctx.threads != 0 ? ctx.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, files.size()));
  {
    ThreadPool pool(threads, 2 * threads);
    for (size_t i = 0; i < files.size(); ++i) {
      pool.Submit([&, i] {
        Result<hash::Digest> r = [&]() -> Result<hash::Digest> {
          if (files[i] == "-") {
            std::lock_guard stdin_lock(stdin_mu);
            return TreeHashFd(ctx.stdin_fd);
          }
          return TreeHashFile(ctx.fs, files[i]);
        }();
        {
          std::lock_guard lock(mu);
          results[i] = std::move(r);
        }
        done.notify_one();
      });
      print_ready(/*wait=*/false);
    }
    print_ready(/*wait=*/true);
  }
  ctx.out.flush();
  return ExitCodeForItems(failed, files.size());
}

}  // namespace mtg::cli
