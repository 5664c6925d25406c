// The mtglacier command line, read the way mt-aws-glacier 1.120 read it (reference §1.1):
// Getopt::Long defaults over the one option table (config/options.h) — the command word anywhere,
// "--opt value", "--opt=value", single-dash long options, unique-prefix abbreviations, flags, list
// options in order — then the per-command checks with the original's error texts, and the merge
// with the config file (--config) and the environment (config::ResolveSettings).
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "config/config_file.h"
#include "config/options.h"
#include "config/settings.h"

namespace mtg::cli {

// What one command accepts.
struct CommandOptions {
  std::vector<std::string_view> options;     // canonical names the command uses
  std::vector<std::string_view> deprecated;  // accepted with a warning; the value is dropped
  bool takes_vault_name = false;             // one positional argument (create/delete-vault)
};

struct ListValue {
  std::string option;  // canonical: filter, include or exclude
  std::string value;
};

struct CommandLine {
  std::string command;                 // the first non-option word; empty when there is none
  size_t command_index = 0;            // its index in the parsed words
  std::vector<std::string> arguments;  // the other non-option words
  std::map<std::string, std::string, std::less<>> values;  // non-list options, by canonical name
  std::map<std::string, std::string, std::less<>> spelled;  // canonical name -> "--name" as given
  std::vector<ListValue> lists;        // list options in command-line order
  std::vector<std::string> warnings;   // without "WARNING: "
  bool help = false;                   // --help or -h after the command word
};

// True when argv[1] asks for `help` (help, h, -h, --help in any case) or `version`
// (/^-?-?version$/i), checked before any other parsing as mt-aws-glacier did.
bool IsHelpShortcut(std::string_view first_arg);
bool IsVersionShortcut(std::string_view first_arg);

// The syntax pass, against the whole table: which option each word names, its value, repeats.
// Errors are kInvalidArgument with the original's texts.
[[nodiscard]] Result<CommandLine> ParseCommandLine(std::span<const std::string> args,
                                                   const config::OptionTable& table);

// The per-command pass: options the command does not use, deprecated-for-this-command options
// (dropped with a warning), the positional vault name (validated) and extra arguments.
[[nodiscard]] Result<void> CheckForCommand(CommandLine& line, const CommandOptions& spec);

// The effective options of one command run: command line > config file > built-in default.
class Options {
 public:
  Options(CommandLine line, std::optional<config::ConfigFile> config, const config::OptionTable& table)
      : line_(std::move(line)), config_(std::move(config)), table_(&table) {}

  std::optional<std::string> Get(std::string_view name) const;
  bool Flag(std::string_view name) const;  // a flag given (or set to non-"0" in the config)
  const std::vector<ListValue>& lists() const { return line_.lists; }
  const CommandLine& line() const { return line_; }
  const std::optional<config::ConfigFile>& config() const { return config_; }
  // The command-line and config-file layers of the connection settings.
  config::ExplicitSettings CommandLineSettings() const;
  config::ExplicitSettings ConfigFileSettings() const;

 private:
  CommandLine line_;
  std::optional<config::ConfigFile> config_;
  const config::OptionTable* table_;
};

// Reads --config (if given), drops config values the command does not use (as the original
// ignored them), and validates every value the command uses with the table's validators.
[[nodiscard]] Result<Options> LoadOptions(CommandLine line, const CommandOptions& spec,
                                          const config::OptionTable& table);

// The connection settings for an AWS command: credentials are required.
[[nodiscard]] Result<config::ResolvedSettings> ResolveConnection(const Options& options,
                                                                 const config::SystemContext& system);

}  // namespace mtg::cli
