#include "meta/description.h"

#include "meta/base64url.h"
#include "meta/flat_json.h"
#include "meta/iso8601.h"
#include "meta/utf8.h"

namespace mtg::meta {
namespace {

// Perl's \s on a character string: ASCII white space (vertical tab included) plus the Unicode
// White_Space characters. Returns the byte length of the white space at pos, or 0.
size_t WhiteSpaceAt(std::string_view text, size_t pos) {
  const auto byte = static_cast<unsigned char>(text[pos]);
  if (byte < 0x80) {
    return byte == ' ' || (byte >= '\t' && byte <= '\r') ? 1 : 0;
  }
  char32_t cp = 0;
  const size_t used = DecodeUtf8Char(text, pos, cp);
  const bool space = cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
                     cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
  return space ? used : 0;
}

struct Fields {
  std::string_view marker;
  std::string_view payload;
};

// split(' ', $str) keeping the first two fields.
Fields SplitAwk(std::string_view text) {
  Fields fields;
  std::string_view* targets[] = {&fields.marker, &fields.payload};
  size_t pos = 0;
  for (std::string_view* target : targets) {
    while (pos < text.size()) {
      const size_t space = WhiteSpaceAt(text, pos);
      if (space == 0) break;
      pos += space;
    }
    const size_t start = pos;
    while (pos < text.size() && WhiteSpaceAt(text, pos) == 0) ++pos;
    *target = text.substr(start, pos - start);
  }
  return fields;
}

// Code points in valid UTF-8 text (Perl's length() of the character string).
size_t CharCount(std::string_view utf8) {
  size_t count = 0;
  for (const char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

// True when the text holds a character above U+00FF, which MIME::Base64 refuses ("Wide
// character") instead of skipping. Bytes C4..F4 start exactly those characters in valid UTF-8.
bool HasWideCharacter(std::string_view utf8) {
  for (const char c : utf8) {
    if (static_cast<unsigned char>(c) >= 0xC4) return true;
  }
  return false;
}

// Splits and base64-decodes a description with the given marker. Returns the decoded bytes or
// the foreign reason.
std::expected<std::string, ForeignDescription> DecodePayload(std::string_view description,
                                                              std::string_view* marker_out) {
  // Descriptions reach us from JSON or CSV inventories as text; bytes that are not UTF-8 cannot
  // have come from there.
  if (!IsValidUtf8(description)) return std::unexpected(ForeignDescription{"not valid UTF-8"});
  const Fields fields = SplitAwk(description);
  if (fields.payload.empty()) return std::unexpected(ForeignDescription{"no payload after the marker"});
  const size_t length = CharCount(fields.payload);
  if (length > kMaxDescriptionSize) {
    return std::unexpected(ForeignDescription{"payload longer than 1024 characters"});
  }
  *marker_out = fields.marker;
  if (HasWideCharacter(fields.payload)) {
    return std::unexpected(ForeignDescription{"wide character in base64 payload"});
  }
  return Base64UrlDecode(fields.payload, length);
}

// mt1 stored the JSON's UTF-8 bytes encoded once more as if they were Latin-1.
std::optional<std::string> UndoDoubleEncoding(std::string_view twice) {
  std::string once;
  once.reserve(twice.size());
  size_t pos = 0;
  while (pos < twice.size()) {
    char32_t cp = 0;
    const size_t used = DecodeUtf8Char(twice, pos, cp);
    if (used == 0 || cp > 0xFF) return std::nullopt;
    once.push_back(static_cast<char>(cp));
    pos += used;
  }
  return once;
}

// Shows a file name inside an error message without letting control bytes reach a terminal.
std::string Quote(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20 || byte == 0x7F) {
      out += "\\x";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace

Result<std::string> EncodeDescription(std::string_view relative_filename, int64_t mtime) {
  if (!IsMetaTimeInRange(mtime)) {
    return Fail(ErrorCode::kInvalidArgument,
                "file modification time " + std::to_string(mtime) +
                    " is out of range for Amazon Glacier metadata (only years from 1000 to 9999 are supported)");
  }
  if (!IsValidUtf8(relative_filename)) {
    return Fail(ErrorCode::kInvalidArgument,
                "relative filename " + Quote(relative_filename) + " is not valid UTF-8");
  }
  std::string json = "{\"filename\":";
  AppendJsonString(json, relative_filename);
  json += ",\"mtime\":\"";
  json += EpochToIso8601(mtime);
  json += "\"}";
  std::string description = "mt2 " + Base64UrlEncode(json);
  if (description.size() > kMaxDescriptionSize) {
    return Fail(ErrorCode::kInvalidArgument,
                "relative filename " + Quote(relative_filename) +
                    " is too big to store in Amazon Glacier metadata: the description would be " +
                    std::to_string(description.size()) +
                    " characters, the limit is 1024 (about 700 ASCII characters or 350 2-byte "
                    "UTF-8 characters of file name)");
  }
  return description;
}

DecodedDescription DecodeDescription(std::string_view description) {
  std::string_view marker;
  auto payload = DecodePayload(description, &marker);
  if (!payload) return std::unexpected(payload.error());

  DescriptionFormat format = DescriptionFormat::kMt2;
  std::string json;
  if (marker == "mt2") {
    json = std::move(*payload);
  } else if (marker == "mt1") {
    format = DescriptionFormat::kMt1;
    auto once = UndoDoubleEncoding(*payload);
    if (!once) return std::unexpected(ForeignDescription{"mt1 payload is not double-encoded UTF-8"});
    json = std::move(*once);
  } else {
    return std::unexpected(ForeignDescription{"unknown marker"});
  }

  auto object = ParseFlatJsonObject(json, kMaxDescriptionSize);
  if (!object) return std::unexpected(ForeignDescription{"payload is not a flat JSON object"});
  const JsonScalar* filename = object->Find("filename");
  const JsonScalar* mtime = object->Find("mtime");
  if (filename == nullptr || filename->type == JsonScalar::Type::kNull) {
    return std::unexpected(ForeignDescription{"no filename"});
  }
  if (mtime == nullptr || mtime->type == JsonScalar::Type::kNull) {
    return std::unexpected(ForeignDescription{"no mtime"});
  }
  // mt-aws-glacier only ever writes strings here; a number or boolean would be stringified
  // by Perl, which we do not imitate.
  if (!filename->IsString()) return std::unexpected(ForeignDescription{"filename is not a string"});
  if (!mtime->IsString()) return std::unexpected(ForeignDescription{"mtime is not a string"});
  const std::optional<int64_t> seconds = Iso8601ToEpoch(mtime->text);
  if (!seconds) return std::unexpected(ForeignDescription{"mtime is not a valid date"});
  return FileMeta{filename->text, *seconds, format};
}

Result<std::string> EncodeJobDescription(std::string_view type) {
  if (!IsValidUtf8(type)) return Fail(ErrorCode::kInvalidArgument, "job type is not valid UTF-8");
  std::string json = "{\"type\":";
  AppendJsonString(json, type);
  json += "}";
  std::string description = "mtijob1 " + Base64UrlEncode(json);
  if (description.size() > kMaxDescriptionSize) {
    return Fail(ErrorCode::kInvalidArgument, "job description would exceed 1024 characters");
  }
  return description;
}

std::optional<std::string> DecodeJobDescription(std::string_view description) {
  std::string_view marker;
  auto payload = DecodePayload(description, &marker);
  if (!payload || marker != "mtijob1") return std::nullopt;
  auto object = ParseFlatJsonObject(*payload, kMaxDescriptionSize);
  if (!object) return std::nullopt;
  const JsonScalar* type = object->Find("type");
  if (type == nullptr || !type->IsString()) return std::nullopt;
  return type->text;
}

}  // namespace mtg::meta
