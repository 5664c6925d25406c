#include "config/settings.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>

#include <fmt/format.h>

#include "base/log.h"
#include "config/aws_ini.h"
#include "config/options.h"
#include "config/text.h"

namespace mtg::config {
namespace {

std::unexpected<Error> Invalid(std::string message) {
  return Fail(ErrorCode::kInvalidArgument, std::move(message));
}

bool IsAlnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool IsVisibleAscii(char c) { return c >= 0x21 && c <= 0x7e; }
template <typename Pred>
bool All(std::string_view v, Pred pred) {
  for (char c : v)
    if (!pred(c)) return false;
  return true;
}

// Looser checks for credentials from the environment and the AWS files: real keys may be
// 16..128 characters and STS session tokens are often longer than 1024.
Result<void> CheckAwsKey(const Sourced& s) {
  if (!s.value.empty() && s.value.size() <= 128 && All(s.value, IsAlnum)) return Ok();
  return Invalid(fmt::format("{}: the access key id must be 1 to 128 letters or digits", s.source));
}
Result<void> CheckAwsSecret(const Sourced& s) {
  if (!s.value.empty() && s.value.size() <= 128 && All(s.value, IsVisibleAscii)) return Ok();
  return Invalid(fmt::format(
      "{}: the secret access key must be 1 to 128 printable ASCII characters without spaces",
      s.source));
}
Result<void> CheckAwsToken(const Sourced& s) {
  if (!s.value.empty() && s.value.size() <= 16384 && All(s.value, IsVisibleAscii)) return Ok();
  return Invalid(fmt::format(
      "{}: the session token must be printable ASCII without spaces, at most 16384 characters",
      s.source));
}

// Runs an option validator and puts the source in front of its message.
Result<void> CheckWith(Validator validate, const Sourced& s) {
  auto r = validate(s.value);
  if (!r) return Fail(std::move(r.error()).WithContext(s.source));
  return Ok();
}

std::optional<Sourced> Env(const SystemContext& sys, std::string_view name) {
  if (!sys.getenv) return std::nullopt;
  auto v = sys.getenv(name);
  if (!v || v->empty()) return std::nullopt;  // set-but-empty counts as unset, as in the AWS CLI
  return Sourced{*v, fmt::format("environment variable {}", name)};
}

std::string ExpandHome(const std::string& path, const std::string& home) {
  if (path == "~") return home;
  if (path.starts_with("~/") && !home.empty()) return home + path.substr(1);
  return path;
}

// One of the AWS shared files, loaded on first use; absent files are simply empty.
struct AwsFile {
  std::string path;  // empty: there is no such file to consult (no home directory)
  bool loaded = false;
  IniFile ini;
};

Result<const IniFile*> Load(AwsFile& f, const SystemContext& sys) {
  if (!f.loaded) {
    f.loaded = true;
    f.ini.file_name = f.path;
    if (!f.path.empty() && sys.read_file) {
      auto bytes = sys.read_file(f.path);
      if (!bytes) return Fail(std::move(bytes.error()));
      if (*bytes) {
        auto ini = ParseIni(**bytes, f.path);
        if (!ini) return Fail(std::move(ini.error()));
        f.ini = std::move(*ini);
      }
    }
  }
  return &f.ini;
}

std::optional<Sourced> IniGet(const IniFile& ini, const std::string& section, const char* key) {
  const IniSection* s = ini.Section(section);
  if (s == nullptr) return std::nullopt;
  auto it = s->find(key);
  if (it == s->end()) return std::nullopt;
  return Sourced{it->second.value, fmt::format("{} [{}] {} (line {})", QuoteForMessage(ini.file_name),
                                               section, key, it->second.line)};
}

struct Credentials {
  std::optional<Sourced> key, secret, token;
  bool any() const { return key || secret || token; }
};

// A layer that has some credentials must have both halves of the key pair.
Result<void> CheckPair(const Credentials& c, std::string_view key_hint,
                       std::string_view secret_hint) {
  if (c.key && !c.secret) {
    return Fail(ErrorCode::kAuth,
                fmt::format("Access key id given by {} but no secret key there ({})", c.key->source,
                            secret_hint));
  }
  if (c.secret && !c.key) {
    return Fail(ErrorCode::kAuth,
                fmt::format("Secret key given by {} but no access key id there ({})",
                            c.secret->source, key_hint));
  }
  if (c.token && !c.key) {
    return Fail(ErrorCode::kAuth,
                fmt::format("Session token given by {} but no access key id and secret key "
                            "there ({}, {})",
                            c.token->source, key_hint, secret_hint));
  }
  return Ok();
}

template <typename T>
std::optional<T> First(const std::optional<T>& a, const std::optional<T>& b) {
  return a ? a : b;
}

}  // namespace

Sourced FromCommandLine(std::string_view option, std::string value) {
  return Sourced{std::move(value), fmt::format("command line --{}", option)};
}

ExplicitSettings FromConfigFile(const ConfigFile& cfg) {
  ExplicitSettings s;
  auto get = [&](const char* name) -> std::optional<Sourced> {
    const ConfigValue* v = cfg.Get(name);
    if (v == nullptr) return std::nullopt;
    return Sourced{v->value, cfg.Where(*v)};
  };
  s.key = get("key");
  s.secret = get("secret");
  s.token = get("token");
  s.region = get("region");
  s.endpoint = get("endpoint");
  s.protocol = get("protocol");
  s.profile = get("profile");
  return s;
}

SystemContext RealSystemContext() {
  SystemContext sys;
  sys.getenv = [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
  if (const char* home = std::getenv("HOME")) sys.home = home;
  sys.read_file = [](const std::string& path) -> Result<std::optional<std::string>> {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      const int err = errno;
      if (err == ENOENT || err == ENOTDIR) return std::optional<std::string>();
      return Fail(SysError(fmt::format("cannot read {}", QuoteForMessage(path)), err));
    }
    std::string bytes;
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
      bytes.append(buf, static_cast<size_t>(in.gcount()));
      if (bytes.size() > (16u << 20))
        return Fail(ErrorCode::kInvalidArgument,
                    fmt::format("{} is larger than 16 MiB", QuoteForMessage(path)));
    }
    if (in.bad()) return Fail(SysError(fmt::format("cannot read {}", QuoteForMessage(path)), errno));
    return std::optional<std::string>(std::move(bytes));
  };
  return sys;
}

SystemContext FakeSystemContext(std::map<std::string, std::string> env, std::string home,
                                std::map<std::string, std::string> files) {
  SystemContext sys;
  sys.getenv = [env = std::move(env)](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(std::string(name));
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  sys.home = std::move(home);
  sys.read_file = [files = std::move(files)](
                      const std::string& path) -> Result<std::optional<std::string>> {
    auto it = files.find(path);
    if (it == files.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  };
  return sys;
}

Result<void> ResolvedSettings::RequireCredentials() const {
  if (HasCredentials()) return Ok();
  return Fail(ErrorCode::kAuth,
              fmt::format("No AWS credentials: give --key and --secret (or key= and secret= in the "
                          "config file), set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add "
                          "aws_access_key_id and aws_secret_access_key to profile \"{}\" in "
                          "~/.aws/credentials",
                          profile.value));
}

std::vector<std::string> ResolvedSettings::Explain() const {
  auto line = [](std::string_view what, std::string_view shown, const Sourced& s) {
    if (!s.set()) return fmt::format("{}: (none)", what);
    return fmt::format("{}: {} (from {})", what, shown, s.source);
  };
  return {
      line("access key id", access_key.value, access_key),
      line("secret key", "(hidden)", secret_key),
      line("session token", "(hidden)", session_token),
      line("region", region.value, region),
      endpoint.set() ? line("endpoint", endpoint.value, endpoint)
                     : std::string("endpoint: (default for the region)"),
      line("protocol", protocol.value, protocol),
      line("AWS profile", profile.value, profile),
  };
}

Result<ResolvedSettings> ResolveSettings(const ExplicitSettings& command_line,
                                         const ExplicitSettings& config_file,
                                         const SystemContext& system) {
  ResolvedSettings out;

  // mt-aws-glacier options: the command line wins over the config file, value by value, and
  // each value must pass the original checks.
  Credentials opt{First(command_line.key, config_file.key),
                  First(command_line.secret, config_file.secret),
                  First(command_line.token, config_file.token)};
  if (opt.key) MTG_TRY_VOID(CheckWith(ValidateKey, *opt.key));
  if (opt.secret) MTG_TRY_VOID(CheckWith(ValidateSecret, *opt.secret));
  if (opt.token) MTG_TRY_VOID(CheckWith(ValidateToken, *opt.token));
  const auto opt_region = First(command_line.region, config_file.region);
  if (opt_region) MTG_TRY_VOID(CheckWith(ValidateRegion, *opt_region));
  const auto opt_endpoint = First(command_line.endpoint, config_file.endpoint);
  if (opt_endpoint) MTG_TRY_VOID(CheckWith(ValidateEndpoint, *opt_endpoint));
  const auto opt_protocol = First(command_line.protocol, config_file.protocol);
  if (opt_protocol) MTG_TRY_VOID(CheckWith(ValidateProtocol, *opt_protocol));
  out.protocol = opt_protocol ? *opt_protocol : Sourced{"https", "default"};

  auto profile = First(First(command_line.profile, config_file.profile), Env(system, "AWS_PROFILE"));
  if (profile) MTG_TRY_VOID(CheckWith(ValidateProfile, *profile));
  const bool profile_explicit = profile.has_value();
  out.profile = profile ? *profile : Sourced{"default", "default"};
  const std::string& profile_name = out.profile.value;

  // The AWS shared files, read only if something is still missing.
  AwsFile cred_file, conf_file;
  if (auto p = Env(system, "AWS_SHARED_CREDENTIALS_FILE")) {
    cred_file.path = ExpandHome(p->value, system.home);
  } else if (!system.home.empty()) {
    cred_file.path = system.home + "/.aws/credentials";
  }
  if (auto p = Env(system, "AWS_CONFIG_FILE")) {
    conf_file.path = ExpandHome(p->value, system.home);
  } else if (!system.home.empty()) {
    conf_file.path = system.home + "/.aws/config";
  }
  const std::string conf_section =
      profile_name == "default" ? "default" : "profile " + profile_name;
  bool profile_checked = false;
  // Loads both files; an explicitly chosen profile that is in neither is an error.
  auto files = [&]() -> Result<std::pair<const IniFile*, const IniFile*>> {
    auto cred = Load(cred_file, system);
    if (!cred) return Fail(std::move(cred.error()));
    auto conf = Load(conf_file, system);
    if (!conf) return Fail(std::move(conf.error()));
    if (!profile_checked && profile_explicit) {
      profile_checked = true;
      const bool found = (*cred)->Section(profile_name) != nullptr ||
                         (*conf)->Section(conf_section) != nullptr ||
                         (profile_name == "default" && (*conf)->Section("profile default"));
      if (!found) {
        return Fail(ErrorCode::kNotFound,
                    fmt::format("AWS profile {} (from {}) is in neither {} nor {}",
                                QuoteForMessage(profile_name), out.profile.source,
                                QuoteForMessage(cred_file.path), QuoteForMessage(conf_file.path)));
      }
    }
    return std::pair{*cred, *conf};
  };
  // The config file's section for the profile ("[profile default]" also names the default).
  auto conf_get = [&](const IniFile& conf, const char* key) {
    auto v = IniGet(conf, conf_section, key);
    if (!v && profile_name == "default") v = IniGet(conf, "profile default", key);
    return v;
  };

  // Credentials: the first layer that has any of them supplies all of them.
  Credentials chosen;
  if (opt.any()) {
    MTG_TRY_VOID(CheckPair(opt, "--key or key= in the config file",
                           "--secret or secret= in the config file"));
    chosen = opt;
  } else {
    Credentials env{Env(system, "AWS_ACCESS_KEY_ID"), Env(system, "AWS_SECRET_ACCESS_KEY"),
                    Env(system, "AWS_SESSION_TOKEN")};
    if (env.any()) {
      MTG_TRY_VOID(CheckPair(env, "set AWS_ACCESS_KEY_ID", "set AWS_SECRET_ACCESS_KEY"));
      chosen = env;
    } else {
      auto f = files();
      if (!f) return Fail(std::move(f.error()));
      const auto [cred, conf] = *f;
      Credentials from_cred{IniGet(*cred, profile_name, "aws_access_key_id"),
                            IniGet(*cred, profile_name, "aws_secret_access_key"),
                            IniGet(*cred, profile_name, "aws_session_token")};
      Credentials from_conf{conf_get(*conf, "aws_access_key_id"),
                            conf_get(*conf, "aws_secret_access_key"),
                            conf_get(*conf, "aws_session_token")};
      const Credentials& pick = from_cred.any() ? from_cred : from_conf;
      if (pick.any()) {
        MTG_TRY_VOID(CheckPair(pick, "aws_access_key_id in the same profile",
                               "aws_secret_access_key in the same profile"));
        chosen = pick;
      }
    }
    if (chosen.key) MTG_TRY_VOID(CheckAwsKey(*chosen.key));
    if (chosen.secret) MTG_TRY_VOID(CheckAwsSecret(*chosen.secret));
    if (chosen.token) MTG_TRY_VOID(CheckAwsToken(*chosen.token));
  }
  if (chosen.key) out.access_key = *chosen.key;
  if (chosen.secret) out.secret_key = *chosen.secret;
  if (chosen.token) out.session_token = *chosen.token;

  // Region.
  if (opt_region) {
    out.region = *opt_region;
  } else if (auto r = Env(system, "AWS_REGION")) {
    out.region = *r;
  } else if (auto dr = Env(system, "AWS_DEFAULT_REGION")) {
    out.region = *dr;
  } else {
    auto f = files();
    if (!f) return Fail(std::move(f.error()));
    if (auto fr = conf_get(*f->second, "region")) out.region = *fr;
  }
  if (out.region.set() && !opt_region) MTG_TRY_VOID(CheckWith(ValidateRegion, out.region));

  // Endpoint.
  if (opt_endpoint) {
    out.endpoint = *opt_endpoint;
  } else if (auto g = Env(system, "AWS_ENDPOINT_URL_GLACIER")) {
    out.endpoint = *g;
  } else if (auto e = Env(system, "AWS_ENDPOINT_URL")) {
    out.endpoint = *e;
  } else {
    auto f = files();
    if (!f) return Fail(std::move(f.error()));
    if (auto fe = conf_get(*f->second, "endpoint_url")) out.endpoint = *fe;
  }
  if (out.endpoint.set() && !opt_endpoint) MTG_TRY_VOID(CheckWith(ValidateEndpoint, out.endpoint));

  // Every explicitly named profile must exist, even when nothing had to be read from it.
  if (profile_explicit) {
    auto f = files();
    if (!f) return Fail(std::move(f.error()));
  }

  if (out.secret_key.set()) RegisterSecret(out.secret_key.value);
  if (out.session_token.set()) RegisterSecret(out.session_token.value);
  return out;
}

}  // namespace mtg::config
