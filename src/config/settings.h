// Where the connection settings come from: the AWS credential chain and region/endpoint lookup,
// with the precedence command line > config file > environment > AWS shared files
// (~/.aws/credentials, ~/.aws/config). Credentials move as a unit: the access key, secret key and
// session token are taken together from the first layer that has any of them (the command line
// and the mtglacier config file count as one layer, as in mt-aws-glacier), so a stale session
// token from one place is never paired with a key from another.
// The environment, home directory and file reading are injected (SystemContext) so tests pin them.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "config/config_file.h"

namespace mtg::config {

// A value and a human description of where it came from (for --debug style explanations).
struct Sourced {
  std::string value;
  std::string source;  // empty when unset

  bool set() const { return !source.empty(); }
};

// The settings one mtglacier layer gave explicitly (the command line or the config file).
struct ExplicitSettings {
  std::optional<Sourced> key, secret, token, region, endpoint, protocol, profile;
};

// Sourced{value, "command line --<option>"}.
Sourced FromCommandLine(std::string_view option, std::string value);
// The key/secret/token/region/endpoint/protocol/profile entries of a parsed config file.
ExplicitSettings FromConfigFile(const ConfigFile& cfg);

struct SystemContext {
  // Returns the variable's value, or nullopt when unset.
  std::function<std::optional<std::string>(std::string_view name)> getenv;
  std::string home;  // home directory for "~/.aws/..."; empty: none
  // Returns the file's bytes, nullopt when it does not exist, or an error.
  std::function<Result<std::optional<std::string>>(const std::string& path)> read_file;
};

// The real process environment, $HOME and files.
SystemContext RealSystemContext();
// A pinned environment and in-memory files, for tests.
SystemContext FakeSystemContext(std::map<std::string, std::string> env, std::string home,
                                std::map<std::string, std::string> files);

struct ResolvedSettings {
  Sourced access_key;
  Sourced secret_key;
  Sourced session_token;
  Sourced region;
  Sourced endpoint;  // unset: the service's default endpoint for the region
  Sourced protocol;  // "https" unless given
  Sourced profile;   // the AWS profile consulted

  bool HasCredentials() const { return access_key.set(); }
  // An error saying where credentials may be given, when there are none.
  Result<void> RequireCredentials() const;
  // One line per setting, naming its source; the secret key and token are never shown.
  std::vector<std::string> Explain() const;
};

// Resolves every setting. Values from the command line and the config file are checked with the
// mt-aws-glacier rules (options.h); values from the environment and AWS files with the looser
// rules real AWS credentials need (session tokens longer than 1024 characters, for one).
// The secret key and session token are registered with RegisterSecret (base/log.h).
Result<ResolvedSettings> ResolveSettings(const ExplicitSettings& command_line,
                                         const ExplicitSettings& config_file,
                                         const SystemContext& system);

}  // namespace mtg::config
