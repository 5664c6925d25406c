// The mt-aws-glacier config file (reference §1.2): "key=value" lines, bare "key" flags, whole-line
// "#" comments and blank lines; CRLF accepted; the last of two equal keys wins. Keys are checked
// against an OptionTable (unknown keys and list options are refused) and values must be UTF-8.
// Values are not validated here: like mt-aws-glacier, an option is validated only by a command
// that uses it, so the caller runs the OptionDef validator (ValidateValue helps with the context).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "config/options.h"

namespace mtg::config {

struct ConfigValue {
  std::string value;
  int line = 0;            // 1-based line in the file
  std::string spelled_as;  // the key as written: the canonical name or a deprecated alias
};

struct ConfigFile {
  std::string file_name;                      // as given, for messages
  std::map<std::string, ConfigValue> values;  // by canonical option name
  std::vector<std::string> warnings;          // deprecated aliases, without "WARNING: "

  const ConfigValue* Get(std::string_view canonical_name) const;
  // "config file "glacier.cfg" line 3", naming where a value came from.
  std::string Where(const ConfigValue& v) const;
  // Runs the option's validator on the stored value; the error names the file and line.
  Result<void> ValidateValue(const OptionTable& table, std::string_view canonical_name) const;
};

// Parses the bytes of a config file. file_name only appears in messages.
Result<ConfigFile> ParseConfig(std::string_view bytes, std::string_view file_name,
                               const OptionTable& table);

// Reads and parses a config file (there is no default one: the caller passes --config).
Result<ConfigFile> ReadConfigFile(const std::string& path, const OptionTable& table);

}  // namespace mtg::config
