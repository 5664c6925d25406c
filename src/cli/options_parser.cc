#include "cli/options_parser.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace mtg::cli {
namespace {

std::unexpected<Error> Usage(std::string message) {
  return Fail(ErrorCode::kInvalidArgument, std::move(message));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A name the option table answers to, and the option it means.
struct Spelling {
  std::string_view name;
  const config::OptionDef* def;
};

std::vector<Spelling> Spellings(const config::OptionTable& table) {
  std::vector<Spelling> out;
  for (const config::OptionDef& d : table.defs()) {
    out.push_back({d.name, &d});
    for (const std::string& a : d.aliases) out.push_back({a, &d});
  }
  return out;
}

// Getopt::Long's auto_abbrev: an exact name wins; otherwise a prefix of exactly one option
// (several spellings of one option count once).
Result<Spelling> Resolve(std::string_view word, std::string_view given,
                         const std::vector<Spelling>& spellings) {
  for (const Spelling& s : spellings) {
    if (s.name == word) return s;
  }
  std::vector<Spelling> hits;
  for (const Spelling& s : spellings) {
    if (s.name.starts_with(word) &&
        std::none_of(hits.begin(), hits.end(), [&](const Spelling& h) { return h.def == s.def; })) {
      hits.push_back(s);
    }
  }
  if (hits.size() == 1 && !word.empty()) return hits[0];
  if (hits.size() > 1 && !word.empty()) {
    std::string names;
    for (const Spelling& h : hits) names += (names.empty() ? "" : ", ") + std::string(h.name);
    return Usage(fmt::format("Option {} is ambiguous ({})", word, names));
  }
  return Usage(fmt::format("Unknown option \"{}\"", given));
}

bool Contains(const std::vector<std::string_view>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

bool IsHelpShortcut(std::string_view first_arg) {
  // The original matched /\b(help|h)\b/i anywhere in the word, so "--config=/h/x.cfg" meant
  // help; only the forms it documents are taken: help, h, -h, --help (any case, any dashes).
  std::string s = Lower(first_arg);
  std::string_view v = s;
  while (v.starts_with('-')) v.remove_prefix(1);
  return v == "help" || v == "h";
}

bool IsVersionShortcut(std::string_view first_arg) {
  std::string s = Lower(first_arg);
  std::string_view v = s;
  if (v.starts_with('-')) v.remove_prefix(1);
  if (v.starts_with('-')) v.remove_prefix(1);
  return v == "version";
}

Result<CommandLine> ParseCommandLine(std::span<const std::string> args,
                                     const config::OptionTable& table) {
  const std::vector<Spelling> spellings = Spellings(table);
  CommandLine line;
  bool options_ended = false;
  size_t i = 0;
  auto add_word = [&](const std::string& word) {
    if (line.command.empty()) {
      line.command = word;
      line.command_index = i;
    } else {
      line.arguments.push_back(word);
    }
  };
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (options_ended || arg.size() < 2 || arg[0] != '-') {
      add_word(arg);
      continue;
    }
    if (arg == "--") {
      options_ended = true;
      continue;
    }
    std::string_view body = arg;
    body.remove_prefix(body.starts_with("--") ? 2 : 1);
    std::optional<std::string> inline_value;
    if (size_t eq = body.find('='); eq != std::string_view::npos) {
      inline_value = std::string(body.substr(eq + 1));
      body = body.substr(0, eq);
    }
    if (!line.command.empty() && (body == "help" || body == "h") && !inline_value) {
      line.help = true;
      continue;
    }
    const std::string given = "--" + std::string(body);
    auto spelling = Resolve(body, given, spellings);
    if (!spelling) return Fail(std::move(spelling.error()));
    const config::OptionDef& def = *spelling->def;
    const std::string as_spelled = "--" + std::string(spelling->name);
    std::string value;
    if (def.is_flag) {
      if (inline_value) {
        return Usage(fmt::format("Option \"{}\" does not take an argument", as_spelled));
      }
      value = "1";
    } else if (inline_value) {
      value = *inline_value;
    } else if (i + 1 < args.size()) {
      value = args[++i];  // a mandatory value takes the next word, whatever it looks like
    } else {
      return Usage(fmt::format("Option \"{}\" requires an argument", as_spelled));
    }
    if (spelling->name != def.name) {
      line.warnings.push_back(config::DeprecatedAliasWarning(spelling->name, def.name));
    }
    if (def.is_list) {
      line.lists.push_back({def.name, std::move(value)});
      continue;
    }
    if (auto prev = line.spelled.find(def.name); prev != line.spelled.end()) {
      return Usage(fmt::format("\"{}\" specified, while \"{}\" already defined", as_spelled,
                               prev->second));
    }
    line.spelled[def.name] = as_spelled;
    line.values[def.name] = std::move(value);
  }
  return line;
}

Result<void> CheckForCommand(CommandLine& line, const CommandOptions& spec) {
  for (const auto& [name, spelled] : line.spelled) {
    if (Contains(spec.options, name) || Contains(spec.deprecated, name)) continue;
    return Usage(fmt::format("Unexpected option \"{}\"", spelled));
  }
  for (const ListValue& l : line.lists) {
    if (!Contains(spec.options, l.option)) {
      return Usage(fmt::format("Unexpected option \"--{}\"", l.option));
    }
  }
  for (std::string_view name : spec.deprecated) {
    auto it = line.values.find(name);
    if (it == line.values.end()) continue;
    line.warnings.push_back(fmt::format("Option \"--{}\" deprecated for this command", name));
    line.values.erase(it);
    line.spelled.erase(std::string(name));
  }
  size_t allowed = spec.takes_vault_name ? 1 : 0;
  if (line.arguments.size() > allowed) {
    return Usage(fmt::format("Unexpected argument in command line: {}", line.arguments[allowed]));
  }
  if (spec.takes_vault_name) {
    if (line.arguments.empty()) return Usage("Please specify vault name");
    auto valid = config::ValidateVaultName(line.arguments[0]);
    if (!valid) return Fail(std::move(valid.error()));
  }
  return Ok();
}

std::optional<std::string> Options::Get(std::string_view name) const {
  if (auto it = line_.values.find(name); it != line_.values.end()) return it->second;
  if (config_) {
    if (const config::ConfigValue* v = config_->Get(name)) return v->value;
  }
  if (auto match = table_->Find(name)) return match->def->default_value;
  return std::nullopt;
}

bool Options::Flag(std::string_view name) const {
  auto v = Get(name);
  return v && !v->empty() && *v != "0";
}

config::ExplicitSettings Options::CommandLineSettings() const {
  config::ExplicitSettings s;
  auto take = [&](std::string_view name, std::optional<config::Sourced>& slot) {
    if (auto it = line_.values.find(name); it != line_.values.end()) {
      slot = config::FromCommandLine(name, it->second);
    }
  };
  take("key", s.key);
  take("secret", s.secret);
  take("token", s.token);
  take("region", s.region);
  take("endpoint", s.endpoint);
  take("protocol", s.protocol);
  take("profile", s.profile);
  return s;
}

config::ExplicitSettings Options::ConfigFileSettings() const {
  return config_ ? config::FromConfigFile(*config_) : config::ExplicitSettings{};
}

Result<Options> LoadOptions(CommandLine line, const CommandOptions& spec,
                            const config::OptionTable& table) {
  std::optional<config::ConfigFile> cfg;
  if (auto path = line.values.find("config"); path != line.values.end()) {
    auto read = config::ReadConfigFile(path->second, table);
    if (!read) return Fail(std::move(read.error()));
    cfg = std::move(*read);
    for (const std::string& w : cfg->warnings) line.warnings.push_back(w);
    // The original ignored config values a command does not use, so one file serves every command.
    std::erase_if(cfg->values, [&](const auto& kv) { return !Contains(spec.options, kv.first); });
  }
  for (const auto& [name, value] : line.values) {
    auto match = table.Find(name);
    if (!match || match->def->validate == nullptr) continue;
    auto valid = match->def->validate(value);
    if (!valid) return Fail(std::move(valid.error()));
  }
  if (cfg) {
    for (const auto& [name, value] : cfg->values) {
      if (line.values.contains(name)) continue;
      MTG_TRY_VOID(cfg->ValidateValue(table, name));
    }
  }
  return Options(std::move(line), std::move(cfg), table);
}

Result<config::ResolvedSettings> ResolveConnection(const Options& options,
                                                   const config::SystemContext& system) {
  auto settings =
      config::ResolveSettings(options.CommandLineSettings(), options.ConfigFileSettings(), system);
  if (!settings) return Fail(std::move(settings.error()));
  MTG_TRY_VOID(settings->RequireCredentials());
  if (!settings->region.set() && !settings->endpoint.set()) {
    return Fail(ErrorCode::kInvalidArgument,
                "no region: give --region, region= in the config file, AWS_REGION or a region in "
                "~/.aws/config");
  }
  return settings;
}

}  // namespace mtg::cli
