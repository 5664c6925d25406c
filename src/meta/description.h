// Archive descriptions (x-amz-archive-description) in mt-aws-glacier's formats: every archive
// it uploads carries "mt2 " + base64url(JSON {"filename", "mtime"}), which is how a vault's
// inventory can be turned back into a journal. We write mt2 byte-compatibly, read mt2 and the
// old double-encoded mt1, and classify everything else as foreign (someone else's archive);
// inventory jobs carry "mtijob1 ..." descriptions, handled at the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace mtg::meta {

// Glacier's limit on a description, and mt-aws-glacier's limit on the whole "mt2 ..." string.
inline constexpr size_t kMaxDescriptionSize = 1024;

enum class DescriptionFormat { kMt1, kMt2 };

struct FileMeta {
  std::string filename;  // relative path with '/' separators, UTF-8 (may hold any character
                         // JSON can carry, so callers must still vet it as a path)
  int64_t mtime = 0;     // seconds since the epoch
  DescriptionFormat format = DescriptionFormat::kMt2;
};

// Why a description is not one of ours. Not an error: foreign archives are normal in a vault,
// and download-inventory records them under their archive id with mtime NONE. `reason` points
// to static text, for logs and tests.
struct ForeignDescription {
  std::string_view reason;
};

using DecodedDescription = std::expected<FileMeta, ForeignDescription>;

// "mt2 " + base64url({"filename":NAME,"mtime":"YYYYMMDDTHHMMSSZ"}), keys always in that order.
// Fails (kInvalidArgument) when mtime is outside years 1000-9999, when the name is not valid
// UTF-8, or when the whole description would exceed kMaxDescriptionSize characters (about 700
// ASCII or 350 two-byte characters of name); the message says which.
Result<std::string> EncodeDescription(std::string_view relative_filename, int64_t mtime);

// mt-aws-glacier's meta_decode: awk-style split on white space (leading white space ignored,
// extra fields ignored), a payload of at most 1024 characters, lenient base64url, for mt1 a
// strict UTF-8 decode to Latin-1 bytes, then a flat JSON object (any key order, extra keys
// allowed) with string "filename" and an "mtime" accepted by Iso8601ToEpoch.
DecodedDescription DecodeDescription(std::string_view description);

// Job descriptions for inventory retrievals ("mtijob1 " + base64url({"type":TYPE})).
inline constexpr std::string_view kJobTypeFull = "full";
Result<std::string> EncodeJobDescription(std::string_view type);
// The job type, or nullopt when the description is not an mtijob1 one.
std::optional<std::string> DecodeJobDescription(std::string_view description);

}  // namespace mtg::meta
