#include "sync/target_path.h"

#include "journal/relative_name.h"

namespace mtg::sync {
namespace {

Error Refused(std::string_view rel, std::string_view why) {
  std::string message = "refusing to restore \"";
  for (char c : rel) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      message += "\\x";
      message += kHex[u >> 4];
      message += kHex[u & 15];
    } else {
      message += c;
    }
  }
  message += "\": ";
  message += why;
  return Error(ErrorCode::kInvalidArgument, std::move(message));
}

// Checks the components of rel under dir that exist; the first missing one ends the walk
// (nothing below it can exist either).
Result<void> CheckComponents(io::FileSystem& fs, const std::string& dir, std::string_view rel) {
  std::string path = dir;
  size_t start = 0;
  for (;;) {
    size_t slash = rel.find('/', start);
    const bool last = slash == std::string_view::npos;
    std::string_view component = rel.substr(start, last ? std::string_view::npos : slash - start);
    path = io::JoinPath(path, component);
    auto info = fs.LStat(path);
    if (!info) {
      if (info.error().code == ErrorCode::kNotFound) return Ok();
      return Fail(Refused(rel, info.error().message));
    }
    if (info->type == io::FileType::kSymlink) {
      return Fail(Refused(rel, "\"" + path + "\" is a symlink inside the target directory"));
    }
    if (last) {
      if (info->type != io::FileType::kRegular) {
        return Fail(Refused(rel, "\"" + path + "\" exists and is a " +
                                     std::string(io::FileTypeName(info->type))));
      }
      return Ok();
    }
    if (info->type != io::FileType::kDirectory) {
      return Fail(Refused(rel, "\"" + path + "\" is not a directory"));
    }
    start = slash + 1;
  }
}

}  // namespace

const char* RestoreNameProblem(std::string_view relfilename) {
  if (const char* problem = journal::RelativeFilenameProblem(relfilename)) return problem;
  for (char c : relfilename) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return "it contains a control character";
  }
  return nullptr;
}

Result<std::string> SafeTargetPath(io::FileSystem& fs, const std::string& dir,
                                   std::string_view relfilename) {
  if (const char* problem = RestoreNameProblem(relfilename)) return Fail(Refused(relfilename, problem));
  MTG_TRY_VOID(CheckComponents(fs, dir, relfilename));
  return io::JoinPath(dir, relfilename);
}

Result<void> MakeSafeParentDirs(io::FileSystem& fs, const std::string& dir,
                                std::string_view relfilename) {
  if (const char* problem = RestoreNameProblem(relfilename)) return Fail(Refused(relfilename, problem));
  // --dir itself is created when missing, as the original's mkpath did; it is the user's
  // choice, so it may be (or go through) a symlink.
  if (auto made = fs.MakeDirs(dir); !made && made.error().code != ErrorCode::kAlreadyExists) {
    return Fail(made.error());
  }
  std::string path = dir;
  size_t start = 0;
  for (size_t slash; (slash = relfilename.find('/', start)) != std::string_view::npos; start = slash + 1) {
    path = io::JoinPath(path, relfilename.substr(start, slash - start));
    auto info = fs.LStat(path);
    if (!info && info.error().code == ErrorCode::kNotFound) {
      auto made = fs.MakeDirs(path);
      if (!made && made.error().code != ErrorCode::kAlreadyExists) return Fail(made.error());
      info = fs.LStat(path);
    }
    if (!info) return Fail(Refused(relfilename, info.error().message));
    if (info->type == io::FileType::kSymlink) {
      return Fail(Refused(relfilename, "\"" + path + "\" is a symlink inside the target directory"));
    }
    if (info->type != io::FileType::kDirectory) {
      return Fail(Refused(relfilename, "\"" + path + "\" is not a directory"));
    }
  }
  return Ok();
}

}  // namespace mtg::sync
