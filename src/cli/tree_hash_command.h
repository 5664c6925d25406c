// `mtglacier tree-hash FILE...`: prints the Glacier SHA-256 tree hash of each file in
// sha256sum's format, hashing files in parallel. Also the file-hashing helpers other commands
// (check-local-hash, upload) can reuse.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "cli/command.h"
#include "hash/sha256.h"
#include "io/file_system.h"

namespace mtg::cli {

// Bytes asked of the kernel per read: large and sequential, a multiple of the 1 MiB leaf.
inline constexpr size_t kHashReadSize = 4 * 1024 * 1024;

// Files above this are hashed in segments on several threads (tree-hash command). A power of
// two of leaves, so each segment is a node of the file's tree.
inline constexpr uint64_t kHashSegmentSize = 16 * 1024 * 1024;

// Tree hash of a whole file, read front to back with large sequential reads.
[[nodiscard]] Result<hash::Digest> TreeHashFile(io::FileSystem& fs, const std::string& path);
[[nodiscard]] Result<hash::Digest> TreeHashReadable(io::ReadableFile& file);
// Tree hash of everything readable from a descriptor (stdin, a pipe) until end of file.
[[nodiscard]] Result<hash::Digest> TreeHashFd(int fd);

// One output line in sha256sum's format: "<hex>  <name>\n". A name with '\\', '\n' or '\r'
// is escaped and the line starts with '\\', as coreutils does, so the line stays parseable.
std::string ChecksumLine(const hash::Digest& digest, std::string_view name);

ExitCode RunTreeHash(Context& ctx);
extern const std::string_view kTreeHashUsage;

}  // namespace mtg::cli
