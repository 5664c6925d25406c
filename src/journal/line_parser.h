// One journal line → one record, for every format mt-aws-glacier ever wrote (versions 0, A, B and
// C). The scanners accept exactly what the original's regexes accept (reference §5.2), in the same
// order, without std::regex: a million-line journal must parse in a fraction of a second.
#pragma once

#include <cstdint>
#include <string_view>

namespace mtg::journal {

enum class LineKind { kCreated, kDeleted, kRetrieveJob };

// Why a line was refused. kBroken / kFutureVersion / kUnknownFormat are the original's three
// classes of lines that match no format; the others are lines that match but carry bad values.
enum class LineProblem {
  kNone,
  kBroken,              // starts like a known version ("123 " or "A\t".."C\t") but does not parse
  kFutureVersion,       // starts with "D\t".."Z\t": written by a newer program
  kUnknownFormat,       // anything else
  kNumberOutOfRange,    // a 20-digit number that does not fit (detail names the field)
  kMtimeNoneInVersionA, // "NONE" mtime exists only since version B
  kInvalidFilename,     // CREATED name fails IsRelativeFilename (detail says why)
};

struct ParsedLine {
  LineKind kind = LineKind::kCreated;
  char version = 'B';           // 'A', 'B', 'C', or '0' for the space-separated 0.7x format
  int64_t time = 0;             // epoch seconds of the event
  std::string_view archive_id;
  // CREATED only:
  uint64_t size = 0;
  bool mtime_known = false;     // false for NONE, version 0, and version A with id == name
  int64_t mtime = 0;
  std::string_view tree_hash;   // usually 64 lowercase hex digits, but any \S+ is accepted
  // CREATED and DELETED (DELETED's name only serves the filter check):
  std::string_view relfilename;
  // RETRIEVE_JOB of versions A/B/C (version 0 has none):
  std::string_view job_id;
};

// True when text matches \S+ as the reader sees it (non-empty, no ASCII or Unicode whitespace):
// the writer checks ids, hashes and job ids with it so that what it writes reads back.
bool IsNonSpaceField(std::string_view text);

// Parses one line, without its "\n" or "\r\n". Views in `out` point into `line`.
// On a problem, *detail (if given) gets a short static explanation (field name or name rule).
LineProblem ParseLine(std::string_view line, ParsedLine& out, const char** detail = nullptr);

}  // namespace mtg::journal
