#include "config/options.h"

#include <algorithm>
#include <array>
#include <charconv>

#include <fmt/format.h>

#include "config/text.h"

namespace mtg::config {
namespace {

std::unexpected<Error> Invalid(std::string message) {
  return Fail(ErrorCode::kInvalidArgument, std::move(message));
}

bool IsAlnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsVisibleAscii(char c) { return c >= 0x21 && c <= 0x7e; }

template <typename Pred>
bool All(std::string_view v, Pred pred) {
  return std::all_of(v.begin(), v.end(), pred);
}

// Perl's /^\d+$/ on the value, then the number; nullopt when not digits or too big for 64 bits.
std::optional<uint64_t> ParseUnsigned(std::string_view v) {
  if (v.empty() || !All(v, IsDigit)) return std::nullopt;
  uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || ptr != v.data() + v.size()) return std::nullopt;
  return n;
}

std::unexpected<Error> NotPositiveInteger(std::string_view option) {
  return Invalid(fmt::format("\"--{}\" must be positive integer number", option));
}

bool IsPowerOfTwo(uint64_t n) { return n != 0 && (n & (n - 1)) == 0; }

Result<void> OneOf(std::string_view option, std::string_view v,
                   std::initializer_list<std::string_view> allowed) {
  if (std::find(allowed.begin(), allowed.end(), v) != allowed.end()) return Ok();
  std::string list;
  for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  return Invalid(fmt::format("Invalid format of \"--{}\": {} is not one of {}", option,
                             QuoteForMessage(v, 60), list));
}

template <auto Parse>
Result<void> Check(std::string_view v) {
  auto r = Parse(v);
  if (!r) return std::unexpected(std::move(r.error()));
  return Ok();
}

Result<void> AnyValue(std::string_view) { return Ok(); }

OptionDef Opt(std::string name, Validator validate = nullptr,
              std::optional<std::string> default_value = std::nullopt) {
  OptionDef d;
  d.name = std::move(name);
  d.validate = validate;
  d.default_value = std::move(default_value);
  return d;
}
OptionDef Flag(std::string name) {
  OptionDef d = Opt(std::move(name));
  d.is_flag = true;
  return d;
}
OptionDef List(std::string name) {
  OptionDef d = Opt(std::move(name));
  d.is_list = true;
  return d;
}

std::vector<OptionDef> BuildTable() {
  std::vector<OptionDef> t;
  // Credentials and connection (mandatory for AWS commands; checked by the commands).
  t.push_back(Opt("key", ValidateKey));
  t.push_back(Opt("secret", ValidateSecret));
  t.back().secret = true;
  t.push_back(Opt("region", ValidateRegion));
  t.push_back(Opt("token", ValidateToken));
  t.back().secret = true;
  // The original defaulted to plain http; we default to https.
  t.push_back(Opt("protocol", ValidateProtocol, "https"));
  t.push_back(Opt("timeout", Check<ParseTimeout>, "180"));
  t.push_back(Opt("concurrency", Check<ParseConcurrency>, "4"));
  t.push_back(Opt("partsize", Check<ParsePartsize>, "16"));
  t.push_back(Opt("segment-size", Check<ParseSegmentSize>));
  t.push_back(Opt("check-max-file-size", Check<ParseCheckMaxFileSize>));
  t.push_back(Opt("max-number-of-files", Check<ParseMaxNumberOfFiles>));
  // Files and places.
  t.push_back(Opt("config"));
  t.push_back(Opt("journal"));
  t.push_back(Opt("new-journal"));
  t.push_back(Opt("dir", ValidateDir));
  t.back().aliases = {"to-dir", "from-dir"};
  t.push_back(Opt("vault"));
  t.back().aliases = {"to-vault"};
  t.push_back(Opt("base-dir"));
  t.push_back(Opt("job-id"));
  t.push_back(Opt("filename"));
  t.push_back(Opt("set-rel-filename"));
  t.push_back(Flag("stdin"));
  // sync behaviour.
  t.push_back(Opt("leaf-optimization", ValidateLeafOptimization, "1"));
  t.push_back(Flag("follow"));
  t.push_back(Opt("detect", ValidateDetect, "mtime-and-treehash"));
  t.push_back(Flag("new"));
  t.push_back(Flag("replace-modified"));
  t.push_back(Flag("delete-removed"));
  t.push_back(Flag("dry-run"));
  t.push_back(List("filter"));
  t.push_back(List("include"));
  t.push_back(List("exclude"));
  t.push_back(Opt("request-inventory-format", ValidateRequestInventoryFormat, "json"));
  t.push_back(Opt("format", ValidateFormat, "for-humans"));
  for (const char* enc : {"terminal-encoding", "config-encoding", "filenames-encoding",
                          "journal-encoding"}) {
    t.push_back(Opt(enc, ValidateEncoding, "UTF-8"));
  }
  // Ours.
  t.push_back(Opt("endpoint", ValidateEndpoint));
  t.push_back(Opt("profile", ValidateProfile));
  t.push_back(Flag("quiet"));
  t.push_back(Opt("tier", ValidateTier));
  t.push_back(Opt("sns-topic", ValidateSnsTopic));
  t.push_back(Flag("wait"));
  for (OptionDef& d : t) {
    if (d.validate == nullptr) d.validate = AnyValue;
  }
  return t;
}

}  // namespace

OptionTable::OptionTable(std::vector<OptionDef> defs) : defs_(std::move(defs)) {}

std::optional<OptionMatch> OptionTable::Find(std::string_view name_or_alias) const {
  for (const OptionDef& d : defs_) {
    if (d.name == name_or_alias) return OptionMatch{&d, false};
  }
  for (const OptionDef& d : defs_) {
    for (const std::string& a : d.aliases) {
      if (a == name_or_alias) return OptionMatch{&d, true};
    }
  }
  return std::nullopt;
}

const OptionTable& MtglacierOptions() {
  static const OptionTable table(BuildTable());
  return table;
}

std::string DeprecatedAliasWarning(std::string_view alias, std::string_view canonical) {
  return fmt::format("{} deprecated, use {} instead", alias, canonical);
}

Result<void> ValidateKey(std::string_view v) {
  if (v.size() == 20 && All(v, IsAlnum)) return Ok();
  return Invalid("Invalid format of \"--key\": an access key id is 20 letters or digits");
}

Result<void> ValidateSecret(std::string_view v) {
  if (v.size() == 40 && All(v, IsVisibleAscii)) return Ok();
  return Invalid(
      "Invalid format of \"--secret\": a secret access key is 40 printable ASCII characters "
      "without spaces");
}

Result<void> ValidateRegion(std::string_view v) {
  if (v.size() >= 3 && v.size() <= 20 && All(v, [](char c) { return IsAlnum(c) || c == '-'; }))
    return Ok();
  return Invalid(fmt::format(
      "Invalid format of \"--region\": {} is not 3 to 20 letters, digits or \"-\"",
      QuoteForMessage(v, 40)));
}

Result<void> ValidateToken(std::string_view v) {
  if (v.size() >= 20 && v.size() <= 1024 && All(v, IsVisibleAscii)) return Ok();
  return Invalid(
      "Invalid format of \"--token\": a session token is 20 to 1024 printable ASCII characters "
      "without spaces");
}

Result<void> ValidateProtocol(std::string_view v) {
  if (v == "http" || v == "https") return Ok();
  return Invalid("\"--protocol\" must be \"https\" or \"http\"");
}

Result<int> ParseTimeout(std::string_view v) {
  if (v.empty() || v.size() > 5 || !All(v, IsDigit))
    return Invalid(fmt::format("Invalid format of \"--timeout\": {} is not 1 to 5 digits (seconds)",
                               QuoteForMessage(v, 40)));
  return static_cast<int>(*ParseUnsigned(v));
}

Result<int> ParseConcurrency(std::string_view v) {
  const auto n = ParseUnsigned(v);
  if (!n) return NotPositiveInteger("concurrency");
  if (*n < 1 || *n > 30) return Invalid("\"--concurrency\": max concurrency is 30, min is 1");
  return static_cast<int>(*n);
}

Result<uint32_t> ParsePartsize(std::string_view v) {
  const auto n = ParseUnsigned(v);
  if (!n) return NotPositiveInteger("partsize");
  if (!IsPowerOfTwo(*n)) return Invalid("\"--partsize\": part size must be power of two");
  if (*n > 4096) return Invalid("\"--partsize\": part size must be 4096 (MiB) or less");
  return static_cast<uint32_t>(*n);
}

Result<uint64_t> ParseSegmentSize(std::string_view v) {
  const auto n = ParseUnsigned(v);
  if (!n) return NotPositiveInteger("segment-size");
  if (*n != 0 && !IsPowerOfTwo(*n)) return Invalid("\"--segment-size\" must be zero or power of two");
  return *n;
}

Result<uint64_t> ParseCheckMaxFileSize(std::string_view v) {
  const auto n = ParseUnsigned(v);
  if (!n) return NotPositiveInteger("check-max-file-size");
  if (*n == 0) return Invalid("\"--check-max-file-size\" should be greater than 0");
  if (*n > 40960000)
    return Invalid("\"--check-max-file-size\" should be less than or equal to 40960000");
  return *n;
}

Result<void> CheckMaxFileSizeFitsPartsize(uint64_t max_file_size_mib, uint32_t partsize_mib) {
  if (partsize_mib != 0 && max_file_size_mib <= uint64_t{10000} * partsize_mib) return Ok();
  return Invalid(fmt::format(
      "With current partsize {}MiB and maximum allowed file size {}MiB, upload might exceed "
      "10 000 parts. Increase \"--partsize\" or decrease \"--check-max-file-size\"",
      partsize_mib, max_file_size_mib));
}

// mt-aws-glacier did not validate this at all (a non-number or 0 crashed restore later); we
// want a positive integer.
Result<uint64_t> ParseMaxNumberOfFiles(std::string_view v) {
  const auto n = ParseUnsigned(v);
  if (!n || *n == 0) return NotPositiveInteger("max-number-of-files");
  return *n;
}

Result<void> ValidateLeafOptimization(std::string_view v) {
  if (v == "0" || v == "1") return Ok();
  return Invalid("\"--leaf-optimization\" should be either \"1\" or \"0\"");
}

Result<void> ValidateDetect(std::string_view v) {
  return OneOf("detect", v,
               {"treehash", "mtime", "mtime-and-treehash", "mtime-or-treehash", "always-positive",
                "size-only"});
}

Result<void> ValidateRequestInventoryFormat(std::string_view v) {
  return OneOf("request-inventory-format", v, {"json", "csv"});
}

Result<void> ValidateFormat(std::string_view v) {
  return OneOf("format", v, {"for-humans", "mtmsg"});
}

Result<void> ValidateDir(std::string_view v) {
  // Perl counted characters of the decoded string, not bytes.
  size_t chars = 0;
  for (char c : v) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (chars < 512) return Ok();
  return Invalid("\"--dir\" should be less than 512 characters");
}

// Only UTF-8 is implemented; the other encodings Perl's Encode knew are refused clearly rather
// than silently misread.
Result<void> ValidateEncoding(std::string_view v) {
  std::string lower;
  for (char c : v) lower.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  if (lower == "utf-8" || lower == "utf8" || lower == "utf-8-strict") return Ok();
  return Invalid(fmt::format("Unsupported encoding {}: only UTF-8 is supported",
                             QuoteForMessage(v, 60)));
}

Result<void> ValidateVaultName(std::string_view v) {
  if (!v.empty() && v.size() <= 255 &&
      All(v, [](char c) { return IsAlnum(c) || c == '.' || c == '-' || c == '_'; }))
    return Ok();
  return Invalid(
      "Vault name should be 255 characters or less and consisting of a-z, A-Z, 0-9, \".\", \"-\", "
      "and \"_\"");
}

Result<void> ValidateEndpoint(std::string_view v) {
  auto bad = [&](std::string_view why) {
    return Invalid(fmt::format("Invalid format of \"--endpoint\": {} ({})", QuoteForMessage(v, 120),
                               why));
  };
  std::string_view rest = v;
  if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return bad("must start with http:// or https://");
  }
  const size_t slash = rest.find('/');
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  std::string_view authority = rest.substr(0, slash);
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {  // IPv6 literal
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("unterminated IPv6 address");
    host = authority.substr(1, close - 1);
    if (host.empty() || !All(host, [](char c) {
          return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
                 c == '.';
        }))
      return bad("bad IPv6 address");
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return bad("unexpected text after the IPv6 address");
      port = after.substr(1);
      if (port.empty()) return bad("empty port");
    }
  } else {
    const size_t colon = authority.find(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      if (port.empty()) return bad("empty port");
    }
    if (host.empty() || !All(host, [](char c) { return IsAlnum(c) || c == '-' || c == '.'; }))
      return bad("host must be letters, digits, \"-\" and \".\"");
  }
  if (!port.empty()) {
    const auto p = ParseUnsigned(port);
    if (!p || *p < 1 || *p > 65535) return bad("port must be 1 to 65535");
  }
  if (!All(path, [](char c) { return IsVisibleAscii(c) && c != '?' && c != '#'; }))
    return bad("path must be printable ASCII without query or fragment");
  return Ok();
}

Result<void> ValidateProfile(std::string_view v) {
  if (!v.empty() && v.size() <= 128 && All(v, [](char c) {
        return IsVisibleAscii(c) && c != '[' && c != ']' && c != '#' && c != ';';
      }))
    return Ok();
  return Invalid(fmt::format(
      "Invalid format of \"--profile\": {} (1 to 128 printable characters, no spaces, brackets, "
      "\"#\" or \";\")",
      QuoteForMessage(v, 60)));
}

Result<void> ValidateTier(std::string_view v) {
  return OneOf("tier", v, {"Expedited", "Standard", "Bulk"});
}

Result<void> ValidateSnsTopic(std::string_view v) {
  // arn:PARTITION:sns:REGION:ACCOUNT:NAME, with a 12-digit account and a topic name of
  // letters, digits, "-" and "_" (".fifo" suffix allowed), at most 256 characters.
  std::array<std::string_view, 6> parts;
  std::string_view rest = v;
  for (size_t i = 0; i < 5; ++i) {
    const size_t colon = rest.find(':');
    if (colon == std::string_view::npos) {
      rest = {};
      parts = {};
      break;
    }
    parts[i] = rest.substr(0, colon);
    rest.remove_prefix(colon + 1);
  }
  parts[5] = rest;
  std::string_view name = parts[5];
  if (name.ends_with(".fifo")) name.remove_suffix(5);
  const bool ok =
      parts[0] == "arn" && parts[1].starts_with("aws") && parts[2] == "sns" &&
      ValidateRegion(parts[3]).has_value() && parts[4].size() == 12 && All(parts[4], IsDigit) &&
      !name.empty() && parts[5].size() <= 256 &&
      All(name, [](char c) { return IsAlnum(c) || c == '-' || c == '_'; });
  if (ok) return Ok();
  return Invalid(fmt::format(
      "Invalid format of \"--sns-topic\": {} is not an SNS topic ARN "
      "(arn:aws:sns:REGION:ACCOUNT:NAME)",
      QuoteForMessage(v, 120)));
}

}  // namespace mtg::config
