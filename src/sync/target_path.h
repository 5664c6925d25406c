// Where a restored file may be written. Names in a journal or an inventory come from outside
// (a hand-edited journal, a vault shared with another tool, a hostile description), so before
// anything is created under --dir the name is vetted: it must be a canonical relative name
// (journal/relative_name.h), hold no control characters, and no component of it that already
// exists under the target directory may be a symlink or a non-directory. The check runs through
// the FileSystem seam with LStat (never following a link), once when a restore is planned and
// again right before the temporary file is created and before the rename into place.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "io/file_system.h"

namespace mtg::sync {

// Why `relfilename` may not be restored under any directory (pure string rules); nullptr if it
// may. Refuses what IsRelativeFilename refuses plus every control character (0x00-0x1f, 0x7f),
// which no file we back up carries and which can corrupt terminal output.
const char* RestoreNameProblem(std::string_view relfilename);

// The path of `relfilename` under `dir` after checking the name and every existing component
// below `dir` with LStat: an intermediate component must be a real directory, the last one
// must be absent or a regular file. `dir` itself is the user's choice and may be a symlink.
// Errors are kInvalidArgument and name the file and the reason.
[[nodiscard]] Result<std::string> SafeTargetPath(io::FileSystem& fs, const std::string& dir,
                                                 std::string_view relfilename);

// Creates `dir` if missing, then the missing directories between `dir` and the file's parent
// one at a time, checking each component with LStat after it exists, so a symlink planted
// meanwhile is refused rather than followed further than one MakeDirs step.
[[nodiscard]] Result<void> MakeSafeParentDirs(io::FileSystem& fs, const std::string& dir,
                                              std::string_view relfilename);

}  // namespace mtg::sync
