// The option table of mtglacier: every option of mt-aws-glacier 1.120 (reference §1.3) plus our
// additions (endpoint, profile, quiet, tier, sns-topic, wait), with the original validation rules.
// The config-file parser and the command line both read this one table, so an option is declared
// once: its name, deprecated aliases, whether it is a flag or a list, its default and validator.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace mtg::config {

// Checks one value; the error message names the option and never repeats a secret value.
using Validator = Result<void> (*)(std::string_view value);

struct OptionDef {
  std::string name;                  // canonical name, without "--"
  std::vector<std::string> aliases;  // deprecated spellings ("to-dir" for "dir")
  bool is_flag = false;              // takes no value; a bare key in the config file means "1"
  bool is_list = false;              // may repeat, order matters; command line only
  std::optional<std::string> default_value;
  Validator validate = nullptr;      // nullptr: any value
  bool secret = false;               // value must never appear in messages or logs
};

// A lookup result: the definition, and whether it was reached through a deprecated alias.
struct OptionMatch {
  const OptionDef* def = nullptr;
  bool via_alias = false;
};

class OptionTable {
 public:
  explicit OptionTable(std::vector<OptionDef> defs);

  // Finds a canonical name or an alias (exact, case-sensitive, as Getopt no_ignore_case).
  std::optional<OptionMatch> Find(std::string_view name_or_alias) const;
  const std::vector<OptionDef>& defs() const { return defs_; }

 private:
  std::vector<OptionDef> defs_;
};

// The table of every option mtglacier knows.
const OptionTable& MtglacierOptions();

// The warning for a deprecated alias: "from-dir deprecated, use dir instead".
std::string DeprecatedAliasWarning(std::string_view alias, std::string_view canonical);

// Validators (reference §1.3). Each names its option in the message; those returning a value
// also parse it.
Result<void> ValidateKey(std::string_view v);       // /^[A-Za-z0-9]{20}$/
Result<void> ValidateSecret(std::string_view v);    // /^[\x21-\x7e]{40}$/
Result<void> ValidateRegion(std::string_view v);    // /^[A-Za-z0-9\-]{3,20}$/
Result<void> ValidateToken(std::string_view v);     // /^[\x21-\x7e]{20,1024}$/
Result<void> ValidateProtocol(std::string_view v);  // http | https
Result<int> ParseTimeout(std::string_view v);       // /^[0-9]{1,5}$/ seconds
Result<int> ParseConcurrency(std::string_view v);   // integer 1..30
Result<uint32_t> ParsePartsize(std::string_view v);       // power of two, 1..4096 (MiB)
Result<uint64_t> ParseSegmentSize(std::string_view v);    // 0 or a power of two (MiB)
Result<uint64_t> ParseCheckMaxFileSize(std::string_view v);  // 1..40960000 (MiB)
// check-max-file-size must not exceed 10000 parts of the part size (upload-file --stdin).
Result<void> CheckMaxFileSizeFitsPartsize(uint64_t max_file_size_mib, uint32_t partsize_mib);
Result<uint64_t> ParseMaxNumberOfFiles(std::string_view v);  // positive integer (ours; see .cc)
Result<void> ValidateLeafOptimization(std::string_view v);   // "0" | "1"
Result<void> ValidateDetect(std::string_view v);
Result<void> ValidateRequestInventoryFormat(std::string_view v);  // json | csv
Result<void> ValidateFormat(std::string_view v);                  // for-humans | mtmsg
Result<void> ValidateDir(std::string_view v);                     // shorter than 512 characters
Result<void> ValidateEncoding(std::string_view v);                // UTF-8 only
Result<void> ValidateVaultName(std::string_view v);  // positional: /^[A-Za-z0-9\.\-_]{1,255}$/
Result<void> ValidateEndpoint(std::string_view v);   // http(s)://host[:port][/path]
Result<void> ValidateProfile(std::string_view v);
Result<void> ValidateTier(std::string_view v);       // Expedited | Standard | Bulk
Result<void> ValidateSnsTopic(std::string_view v);   // arn:<partition>:sns:<region>:<account>:<name>

}  // namespace mtg::config
