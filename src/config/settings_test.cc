#include "config/settings.h"

#include <gtest/gtest.h>

#include "base/log.h"

namespace mtg::config {
namespace {

// Distinct, valid values per layer so a test can see which layer won.
const std::string kCliKey = "AKIACLI0000000000001";
const std::string kCliSecret = "cliSECRETcliSECRETcliSECRETcliSECRET0001";
const std::string kCfgKey = "AKIACFG0000000000002";
const std::string kCfgSecret = "cfgSECRETcfgSECRETcfgSECRETcfgSECRET0002";
const std::string kEnvKey = "AKIAENV0000000000003";
const std::string kEnvSecret = "envSECRETenvSECRETenvSECRETenvSECRET0003";
const std::string kFileKey = "AKIAFILE000000000004";
const std::string kFileSecret = "fileSECRETfileSECRETfileSECRETfileSECRE4";
const std::string kDevSecret = "devSECRETdevSECRETdevSECRETdevSECRET0005";
const std::string kAllSecrets[] = {kCliSecret, kCfgSecret, kEnvSecret, kFileSecret, kDevSecret};

const std::string kHome = "/home/u";
const std::string kCredPath = "/home/u/.aws/credentials";
const std::string kConfPath = "/home/u/.aws/config";

std::string CredentialsFile() {
  return "[default]\n"
         "aws_access_key_id = " + kFileKey + "\n"
         "aws_secret_access_key = " + kFileSecret + "\n"
         "aws_session_token = FILETOKENFILETOKENFILETOKEN\n"
         "[dev]\n"
         "aws_access_key_id = AKIADEV0000000000005\n"
         "aws_secret_access_key = " + kDevSecret + "\n";
}
std::string ConfigFileText() {
  return "[default]\n"
         "region = eu-north-1\n"
         "endpoint_url = http://127.0.0.1:9901\n"
         "[profile dev]\n"
         "region = ap-south-1\n";
}

struct World {
  std::map<std::string, std::string> env;
  std::map<std::string, std::string> files{{kCredPath, CredentialsFile()},
                                           {kConfPath, ConfigFileText()}};
  ExplicitSettings cli;
  ExplicitSettings cfg;

  Result<ResolvedSettings> Resolve() const {
    return ResolveSettings(cli, cfg, FakeSystemContext(env, kHome, files));
  }
  void Config(std::string_view text) {
    auto c = ParseConfig(text, "glacier.cfg", MtglacierOptions());
    ASSERT_TRUE(c) << c.error().message;
    cfg = FromConfigFile(*c);
  }
  void FullEnv() {
    env = {{"AWS_ACCESS_KEY_ID", kEnvKey},
           {"AWS_SECRET_ACCESS_KEY", kEnvSecret},
           {"AWS_SESSION_TOKEN", "ENVTOKENENVTOKENENVTOKEN"},
           {"AWS_REGION", "us-west-2"},
           {"AWS_ENDPOINT_URL", "http://env.example:1"}};
  }
};

std::string ErrorOf(const Result<ResolvedSettings>& r) {
  return r ? std::string("<resolved>") : r.error().message;
}

void ExpectNoSecret(std::string_view text) {
  for (const std::string& s : kAllSecrets) {
    EXPECT_EQ(text.find(s.substr(0, 12)), std::string_view::npos) << text;
  }
}

TEST(Settings, AwsFilesOnly) {
  World w;
  auto s = w.Resolve();
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->access_key.value, kFileKey);
  EXPECT_EQ(s->secret_key.value, kFileSecret);
  EXPECT_EQ(s->session_token.value, "FILETOKENFILETOKENFILETOKEN");
  EXPECT_EQ(s->access_key.source, "\"/home/u/.aws/credentials\" [default] aws_access_key_id (line 2)");
  EXPECT_EQ(s->region.value, "eu-north-1");
  EXPECT_EQ(s->region.source, "\"/home/u/.aws/config\" [default] region (line 2)");
  EXPECT_EQ(s->endpoint.value, "http://127.0.0.1:9901");
  EXPECT_EQ(s->protocol.value, "https");
  EXPECT_EQ(s->protocol.source, "default");
  EXPECT_EQ(s->profile.value, "default");
}

TEST(Settings, EnvironmentOverridesFiles) {
  World w;
  w.FullEnv();
  auto s = w.Resolve();
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->access_key.value, kEnvKey);
  EXPECT_EQ(s->access_key.source, "environment variable AWS_ACCESS_KEY_ID");
  EXPECT_EQ(s->secret_key.value, kEnvSecret);
  EXPECT_EQ(s->session_token.value, "ENVTOKENENVTOKENENVTOKEN");
  EXPECT_EQ(s->region.value, "us-west-2");
  EXPECT_EQ(s->endpoint.value, "http://env.example:1");
}

TEST(Settings, EnvironmentVariableOrder) {
  World w;
  w.env = {{"AWS_DEFAULT_REGION", "sa-east-1"}, {"AWS_ENDPOINT_URL", "http://generic:1"}};
  auto s = w.Resolve();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->region.value, "sa-east-1");
  EXPECT_EQ(s->endpoint.value, "http://generic:1");
  w.env["AWS_REGION"] = "us-west-1";
  w.env["AWS_ENDPOINT_URL_GLACIER"] = "http://glacier-only:2";
  s = w.Resolve();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->region.value, "us-west-1");
  EXPECT_EQ(s->endpoint.value, "http://glacier-only:2");
  EXPECT_EQ(s->endpoint.source, "environment variable AWS_ENDPOINT_URL_GLACIER");
  // Set but empty counts as unset.
  w.env["AWS_REGION"] = "";
  s = w.Resolve();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->region.value, "sa-east-1");
}

TEST(Settings, ConfigFileOverridesEnvironment) {
  World w;
  w.FullEnv();
  w.Config("key=" + kCfgKey + "\nsecret=" + kCfgSecret +
           "\nregion=eu-west-1\nendpoint=http://cfg.example:2\nprotocol=http\n");
  auto s = w.Resolve();
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->access_key.value, kCfgKey);
  EXPECT_EQ(s->access_key.source, "config file \"glacier.cfg\" line 1");
  EXPECT_EQ(s->secret_key.value, kCfgSecret);
  // The environment's session token belongs to the environment's keys, not to these.
  EXPECT_FALSE(s->session_token.set());
  EXPECT_EQ(s->region.value, "eu-west-1");
  EXPECT_EQ(s->endpoint.value, "http://cfg.example:2");
  EXPECT_EQ(s->protocol.value, "http");
  EXPECT_EQ(s->protocol.source, "config file \"glacier.cfg\" line 5");
}

TEST(Settings, CommandLineOverridesConfigFile) {
  World w;
  w.FullEnv();
  w.Config("key=" + kCfgKey + "\nsecret=" + kCfgSecret +
           "\nregion=eu-west-1\nendpoint=http://cfg.example:2\nprotocol=http\n");
  w.cli.key = FromCommandLine("key", kCliKey);
  w.cli.secret = FromCommandLine("secret", kCliSecret);
  w.cli.token = FromCommandLine("token", "CLITOKENCLITOKENCLITOKEN");
  w.cli.region = FromCommandLine("region", "ca-central-1");
  w.cli.endpoint = FromCommandLine("endpoint", "https://cli.example");
  w.cli.protocol = FromCommandLine("protocol", "https");
  auto s = w.Resolve();
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->access_key.value, kCliKey);
  EXPECT_EQ(s->access_key.source, "command line --key");
  EXPECT_EQ(s->secret_key.value, kCliSecret);
  EXPECT_EQ(s->session_token.value, "CLITOKENCLITOKENCLITOKEN");
  EXPECT_EQ(s->region.value, "ca-central-1");
  EXPECT_EQ(s->endpoint.value, "https://cli.example");
  EXPECT_EQ(s->protocol.value, "https");
  EXPECT_EQ(s->protocol.source, "command line --protocol");
}

TEST(Settings, CommandLineAndConfigFileMixValueByValue) {
  // As in mt-aws-glacier: --key on the command line, secret= in the config file.
  World w;
  w.FullEnv();
  w.Config("secret=" + kCfgSecret + "\n");
  w.cli.key = FromCommandLine("key", kCliKey);
  auto s = w.Resolve();
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->access_key.value, kCliKey);
  EXPECT_EQ(s->secret_key.value, kCfgSecret);
  EXPECT_EQ(s->region.value, "us-west-2");  // region still from the environment
}

TEST(Settings, RealMtAwsGlacierConfig) {
  World w;
  w.files.clear();
  auto c = ReadConfigFile(std::string(MTG_SHARED_DIR) + "/compat/set-a/glacier.cfg",
                          MtglacierOptions());
  ASSERT_TRUE(c) << c.error().message;
  w.cfg = FromConfigFile(*c);
  auto s = w.Resolve();
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->access_key.value, "AKIAJ2QN54K3SOFABCDE");
  EXPECT_EQ(s->region.value, "us-east-1");
  EXPECT_EQ(s->protocol.value, "http");
  EXPECT_FALSE(s->endpoint.set());
}

TEST(Settings, Profiles) {
  World w;
  w.env["AWS_PROFILE"] = "dev";
  auto s = w.Resolve();
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->access_key.value, "AKIADEV0000000000005");
  EXPECT_FALSE(s->session_token.set());
  EXPECT_EQ(s->region.value, "ap-south-1");
  EXPECT_FALSE(s->endpoint.set());  // [profile dev] has none; [default]'s is not inherited
  EXPECT_EQ(s->profile.source, "environment variable AWS_PROFILE");

  w.cli.profile = FromCommandLine("profile", "default");  // --profile beats AWS_PROFILE
  s = w.Resolve();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->access_key.value, kFileKey);

  World c;
  c.Config("profile=dev\n");
  s = c.Resolve();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->access_key.value, "AKIADEV0000000000005");
  EXPECT_EQ(s->profile.source, "config file \"glacier.cfg\" line 1");
}

TEST(Settings, ProfileDefaultSectionSpellings) {
  World w;
  w.files = {{kConfPath, "[profile default]\nregion = us-east-2\n"}};
  auto s = w.Resolve();
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->region.value, "us-east-2");
}

TEST(Settings, CredentialsInConfigFileProfile) {
  World w;
  w.files = {{kConfPath, "[profile ci]\naws_access_key_id=AKIACI00000000000006\n"
                         "aws_secret_access_key=" + kDevSecret + "\nregion=us-east-1\n"}};
  w.env["AWS_PROFILE"] = "ci";
  auto s = w.Resolve();
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->access_key.value, "AKIACI00000000000006");
  EXPECT_EQ(s->secret_key.value, kDevSecret);
}

TEST(Settings, MissingExplicitProfileIsAnError) {
  World w;
  w.cli.profile = FromCommandLine("profile", "nosuch");
  EXPECT_EQ(ErrorOf(w.Resolve()),
            "AWS profile \"nosuch\" (from command line --profile) is in neither "
            "\"/home/u/.aws/credentials\" nor \"/home/u/.aws/config\"");
  // Even when everything else is given explicitly.
  w.cli.key = FromCommandLine("key", kCliKey);
  w.cli.secret = FromCommandLine("secret", kCliSecret);
  EXPECT_NE(ErrorOf(w.Resolve()).find("\"nosuch\""), std::string::npos);
}

TEST(Settings, FileLocationOverrides) {
  World w;
  w.files = {{"/etc/creds", "[default]\naws_access_key_id=AKIAOVR0000000000007\naws_secret_access_key=" +
                                kDevSecret + "\n"},
             {"/home/u/conf", "[default]\nregion=me-south-1\n"}};
  w.env = {{"AWS_SHARED_CREDENTIALS_FILE", "/etc/creds"}, {"AWS_CONFIG_FILE", "~/conf"}};
  auto s = w.Resolve();
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->access_key.value, "AKIAOVR0000000000007");
  EXPECT_EQ(s->region.value, "me-south-1");
}

TEST(Settings, MissingFilesAreFine) {
  World w;
  w.files.clear();
  auto s = w.Resolve();
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_FALSE(s->HasCredentials());
  EXPECT_FALSE(s->region.set());
  EXPECT_FALSE(s->endpoint.set());
  auto r = s->RequireCredentials();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kAuth);
  EXPECT_NE(r.error().message.find("AWS_ACCESS_KEY_ID"), std::string::npos);
  // No home directory at all.
  auto none = ResolveSettings({}, {}, FakeSystemContext({}, "", {}));
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->HasCredentials());
}

TEST(Settings, MalformedAwsFileNamesFileAndLine) {
  World w;
  w.files[kCredPath] = "[default]\naws_access_key_id = " + kFileKey + "\naws_secret_access_key " +
                       kFileSecret + "\n";
  const std::string msg = ErrorOf(w.Resolve());
  EXPECT_EQ(msg, "\"/home/u/.aws/credentials\" line 3: expected \"key = value\", \"[section]\" or "
                 "a comment");
  ExpectNoSecret(msg);
  w.files[kCredPath] = CredentialsFile();
  w.files[kConfPath] = "[default\n";
  EXPECT_EQ(ErrorOf(w.Resolve()),
            "\"/home/u/.aws/config\" line 1: section header without closing \"]\"");
}

TEST(Settings, AwsFilesNotReadWhenNothingIsMissing) {
  World w;
  w.files[kCredPath] = "garbage\n";
  w.cli.key = FromCommandLine("key", kCliKey);
  w.cli.secret = FromCommandLine("secret", kCliSecret);
  w.cli.region = FromCommandLine("region", "us-east-1");
  w.cli.endpoint = FromCommandLine("endpoint", "http://localhost:9901");
  EXPECT_TRUE(w.Resolve());
}

TEST(Settings, PartialKeyPairNamesWhereEachCameFrom) {
  World w;
  w.FullEnv();
  w.cli.key = FromCommandLine("key", kCliKey);
  EXPECT_EQ(ErrorOf(w.Resolve()),
            "Access key id given by command line --key but no secret key there (--secret or "
            "secret= in the config file)");

  World c;
  c.Config("\nsecret=" + kCfgSecret + "\n");
  std::string msg = ErrorOf(c.Resolve());
  EXPECT_EQ(msg, "Secret key given by config file \"glacier.cfg\" line 2 but no access key id "
                 "there (--key or key= in the config file)");
  ExpectNoSecret(msg);

  World e;
  e.env = {{"AWS_ACCESS_KEY_ID", kEnvKey}};
  EXPECT_EQ(ErrorOf(e.Resolve()),
            "Access key id given by environment variable AWS_ACCESS_KEY_ID but no secret key "
            "there (set AWS_SECRET_ACCESS_KEY)");
  e.env = {{"AWS_SECRET_ACCESS_KEY", kEnvSecret}};
  msg = ErrorOf(e.Resolve());
  EXPECT_NE(msg.find("environment variable AWS_SECRET_ACCESS_KEY"), std::string::npos);
  ExpectNoSecret(msg);

  World f;
  f.files[kCredPath] = "[default]\n\naws_access_key_id=" + kFileKey + "\n";
  EXPECT_EQ(ErrorOf(f.Resolve()),
            "Access key id given by \"/home/u/.aws/credentials\" [default] aws_access_key_id "
            "(line 3) but no secret key there (aws_secret_access_key in the same profile)");

  World t;
  t.cli.token = FromCommandLine("token", "CLITOKENCLITOKENCLITOKEN");
  EXPECT_NE(ErrorOf(t.Resolve()).find("Session token given by command line --token"),
            std::string::npos);
}

TEST(Settings, ValidationRulesPerSource) {
  World w;
  w.cli.key = FromCommandLine("key", "AKIDEXAMPLE");  // 11 characters: not the original format
  w.cli.secret = FromCommandLine("secret", kCliSecret);
  EXPECT_EQ(ErrorOf(w.Resolve()),
            "command line --key: Invalid format of \"--key\": an access key id is 20 letters or "
            "digits");

  // From the environment, real-world shapes are accepted: short test keys, long STS tokens.
  World e;
  e.env = {{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
           {"AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
           {"AWS_SESSION_TOKEN", std::string(2000, 'T')}};
  auto s = e.Resolve();
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->session_token.value.size(), 2000u);

  e.env["AWS_SESSION_TOKEN"] = "has space " + std::string(30, 'T');
  EXPECT_EQ(ErrorOf(e.Resolve()),
            "environment variable AWS_SESSION_TOKEN: the session token must be printable ASCII "
            "without spaces, at most 16384 characters");
  e.env.erase("AWS_SESSION_TOKEN");
  e.env["AWS_REGION"] = "us east";
  EXPECT_NE(ErrorOf(e.Resolve()).find("environment variable AWS_REGION: Invalid format of \"--region\""),
            std::string::npos);
  e.env.erase("AWS_REGION");
  e.env["AWS_ENDPOINT_URL"] = "localhost:9901";
  EXPECT_NE(ErrorOf(e.Resolve()).find("environment variable AWS_ENDPOINT_URL: Invalid format of \"--endpoint\""),
            std::string::npos);

  World c;
  c.Config("protocol=ftp\n");
  EXPECT_EQ(ErrorOf(c.Resolve()),
            "config file \"glacier.cfg\" line 1: \"--protocol\" must be \"https\" or \"http\"");
}

TEST(Settings, NoErrorEverContainsTheSecret) {
  const std::string bad_secret = "cfgSECRETcfgSECRETcfgSECRET";  // too short for the original rule
  std::vector<std::string> messages;
  {
    World w;
    w.Config("key=" + kCfgKey + "\nsecret=" + bad_secret + "\n");
    messages.push_back(ErrorOf(w.Resolve()));
  }
  {
    World w;
    w.Config("secret=" + kCfgSecret + "\ntoken=" + kCfgSecret + " \n");
    messages.push_back(ErrorOf(w.Resolve()));
  }
  {
    World w;
    w.env = {{"AWS_SECRET_ACCESS_KEY", kEnvSecret + " with space"}, {"AWS_ACCESS_KEY_ID", kEnvKey}};
    messages.push_back(ErrorOf(w.Resolve()));
  }
  {
    World w;
    w.files[kCredPath] = "[default]\naws_access_key_id=" + kFileKey + "\naws_secret_access_key=" +
                         std::string(200, 'S') + kFileSecret + "\n";
    messages.push_back(ErrorOf(w.Resolve()));
  }
  for (const std::string& m : messages) {
    EXPECT_NE(m, "<resolved>");
    ExpectNoSecret(m);
    EXPECT_EQ(m.find(bad_secret), std::string::npos) << m;
  }
}

TEST(Settings, ExplainNeverShowsSecrets) {
  World w;
  w.FullEnv();
  auto s = w.Resolve();
  ASSERT_TRUE(s);
  std::string all;
  for (const std::string& line : s->Explain()) all += line + "\n";
  ExpectNoSecret(all);
  EXPECT_EQ(all.find("ENVTOKEN"), std::string::npos);
  EXPECT_NE(all.find("access key id: " + kEnvKey + " (from environment variable AWS_ACCESS_KEY_ID)"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("secret key: (hidden) (from environment variable AWS_SECRET_ACCESS_KEY)"),
            std::string::npos);
  EXPECT_NE(all.find("protocol: https (from default)"), std::string::npos);
}

TEST(Settings, SecretsAreRegisteredForRedaction) {
  ClearSecretsForTesting();
  World w;
  w.FullEnv();
  ASSERT_TRUE(w.Resolve());
  EXPECT_EQ(Redact("x " + kEnvSecret + " y").find(kEnvSecret), std::string::npos);
  EXPECT_EQ(Redact("ENVTOKENENVTOKENENVTOKEN").find("ENVTOKENENVTOKENENVTOKEN"), std::string::npos);
  ClearSecretsForTesting();
}

}  // namespace
}  // namespace mtg::config
