// A reader for the AWS shared files (~/.aws/credentials, ~/.aws/config), which are INI files as
// the AWS CLI reads them: "[section]" headers, "key = value" (or "key: value"), whole-line comments
// starting with "#" or ";", and indented continuation lines (nested settings such as
// "s3 =\n  max_concurrent_requests = 4"), which we skip because none of our keys use them.
// Keys are lower-cased like Python's configparser; section names keep their case.
// Error messages name the file and line but never repeat the line: it may hold a secret.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "base/result.h"

namespace mtg::config {

struct IniValue {
  std::string value;
  int line = 0;
};

using IniSection = std::map<std::string, IniValue>;

struct IniFile {
  std::string file_name;
  std::map<std::string, IniSection> sections;

  const IniSection* Section(std::string_view name) const;
};

Result<IniFile> ParseIni(std::string_view bytes, std::string_view file_name);

}  // namespace mtg::config
