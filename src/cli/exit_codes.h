// The exit statuses of mtglacier: the one table every command picks from, so scripts can tell
// "nothing to worry about" from "some files failed" from "you called it wrong".
//
//   0    ok                everything asked for was done
//   1    error             the command failed (bad config, service refused, I/O error, ...);
//                          nothing or an unknown part of the work was done
//   2    usage error       bad command line: unknown command or option, missing argument
//   3    partial failure   some items (files, archives) failed and were reported on stderr;
//                          the others were done (a re-run retries only the failed ones)
//   130  interrupted       stopped by SIGINT/SIGTERM; what was recorded stays valid, and the
//                          next run resumes (128 + SIGINT, the shell convention)
//
// mt-aws-glacier exits 0 only after "OK DONE" and non-zero on any failure; every non-zero
// status above is a failure in that sense, so scripts written for it keep working.
#pragma once

#include "base/result.h"

namespace mtg::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitError = 1,
  kExitUsage = 2,
  kExitPartial = 3,
  kExitInterrupted = 130,
};

// The status for a command that failed as a whole with this error.
inline ExitCode ExitCodeFor(const Error& error) {
  switch (error.code) {
    case ErrorCode::kInvalidArgument: return kExitUsage;
    case ErrorCode::kCancelled: return kExitInterrupted;
    default: return kExitError;
  }
}

// The status for a command that processed `total` items of which `failed` failed.
inline ExitCode ExitCodeForItems(size_t failed, size_t total) {
  if (failed == 0) return kExitOk;
  return failed < total ? kExitPartial : kExitError;
}

}  // namespace mtg::cli
