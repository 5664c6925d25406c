// The vault commands of the built mtglacier binary against a real mtglacier-server: create two
// vaults, list them in both formats, delete one, and the errors a user meets (refused secret,
// unknown option, missing vault name, no credentials), with the exit statuses of exit_codes.h.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "process.h"
#include "server_process.h"

namespace {

namespace fs = std::filesystem;
using mtg::testing::ServerProcess;

using Outcome = mtg::testing::CommandResult;
using mtg::testing::Slurp;
using mtg::testing::ShellQuote;

class VaultCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "mtg-cli-vault-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    server_ = std::make_unique<ServerProcess>();
    ASSERT_TRUE(server_->ok()) << server_->error();
    config_ = (dir_ / "glacier.cfg").string();
    std::ofstream(config_) << "key=" << ServerProcess::kAccessKey << "\n"
                           << "secret=" << ServerProcess::kSecretKey << "\n"
                           << "region=us-east-1\n"
                           << "# comments and unused options are fine, as in mt-aws-glacier\n"
                           << "concurrency=3\n"
                           << "endpoint=" << server_->endpoint() << "\n";
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }

  // Runs the binary in a clean environment (no AWS_* variables, HOME without ~/.aws), with
  // stdout and stderr in real files.
  Outcome Exec(const std::vector<std::string>& args) {
    std::string cmd = "env -i PATH=/usr/bin:/bin HOME=" + ShellQuote(dir_.string()) + " " +
                      ShellQuote(MTG_CLI_BINARY);
    for (const auto& a : args) cmd += " " + ShellQuote(a);
    return mtg::testing::RunShell(cmd, dir_);
  }

  std::string Arn(const std::string& vault) const { return ":vaults/" + vault; }

  fs::path dir_;
  std::string config_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(VaultCommands, CreateListDelete) {
  Outcome a = Exec({"create-vault", "alpha", "--config", config_});
  EXPECT_EQ(a.status, 0) << a.err;
  EXPECT_EQ(a.out, "Created vault alpha\nOK DONE\n");
  EXPECT_EQ(a.err, "");
  // Options before the command word, "--opt=value", single-dash long options.
  Outcome b = Exec({"--config=" + config_, "create-vault", "beta.2_x-y"});
  EXPECT_EQ(b.status, 0) << b.err;
  EXPECT_EQ(b.out, "Created vault beta.2_x-y\nOK DONE\n");

  Outcome humans = Exec({"list-vaults", "-config", config_});
  ASSERT_EQ(humans.status, 0) << humans.err;
  for (const std::string v : {"alpha", "beta.2_x-y"}) {
    size_t at = humans.out.find("Vault " + v + " (arn:aws:glacier:");
    ASSERT_NE(at, std::string::npos) << humans.out;
    std::string block = humans.out.substr(at, humans.out.find("\n\n", at) - at);
    EXPECT_NE(block.find(Arn(v) + ")\nArchives: 0, Size: 0\nCreated: 20"), std::string::npos) << block;
    EXPECT_NE(block.find("\nNever had inventory generation"), std::string::npos) << block;
  }
  EXPECT_NE(humans.out.find("\nTotal archives in all vaults: 0\nTotal size of archives in all "
                            "vaults: 0\nOK DONE\n"),
            std::string::npos)
      << humans.out;

  Outcome mtmsg = Exec({"list-vaults", "--config", config_, "--format", "mtmsg"});
  ASSERT_EQ(mtmsg.status, 0) << mtmsg.err;
  std::istringstream lines(mtmsg.out);
  std::vector<std::string> got;
  for (std::string l; std::getline(lines, l);) got.push_back(l);
  ASSERT_EQ(got.size(), 2u * 5 + 3) << mtmsg.out;
  const char* fields[] = {"SizeInBytes", "CreationDate", "VaultName", "NumberOfArchives",
                          "LastInventoryDate"};
  for (size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(got[i].rfind("MTMSG\tVAULT_LIST\tarn:aws:glacier:", 0), 0u) << got[i];
    EXPECT_NE(got[i].find(std::string("\t") + fields[i % 5] + "\t"), std::string::npos) << got[i];
  }
  EXPECT_NE(got[2].find(Arn("alpha") + "\tVaultName\talpha"), std::string::npos) << got[2];
  EXPECT_EQ(got[4].substr(got[4].size() - 19), "\tLastInventoryDate\t");
  EXPECT_EQ(got[10], "MTMSG\tVAULTS_SUMMARY\ttotal_number_of_archives\t0");
  EXPECT_EQ(got[11], "MTMSG\tVAULTS_SUMMARY\ttotal_size_of_archives\t0");
  EXPECT_EQ(got[12], "OK DONE");

  Outcome d = Exec({"delete-vault", "--config", config_, "alpha"});
  EXPECT_EQ(d.status, 0) << d.err;
  EXPECT_EQ(d.out, "Deleted vault alpha\nOK DONE\n");
  Outcome after = Exec({"list-vaults", "--config", config_, "--format=mtmsg"});
  EXPECT_EQ(after.out.find("alpha"), std::string::npos) << after.out;
  EXPECT_NE(after.out.find("\tVaultName\tbeta.2_x-y\n"), std::string::npos) << after.out;

  Outcome dry = Exec({"list-vaults", "--dry-run"});
  EXPECT_EQ(dry.status, 0) << dry.err;
  EXPECT_EQ(dry.out, "Will LIST VAULTS for current account\nOK DONE\n");
}

TEST_F(VaultCommands, RefusedSecretFailsWithoutShowingIt) {
  const std::string wrong = "wrong-secret-key-0123456789-abcdefghijkl";
  ASSERT_EQ(wrong.size(), 40u);
  Outcome r = Exec({"create-vault", "gamma", "--config", config_, "--secret", wrong});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("mtglacier: create-vault: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("403"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(wrong), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(ServerProcess::kSecretKey), std::string::npos) << r.err;
  // A secret of the wrong shape is refused before any request, also without echoing it.
  Outcome shape = Exec({"create-vault", "gamma", "--config", config_, "--secret", "short-secret"});
  EXPECT_EQ(shape.status, 2);
  EXPECT_NE(shape.err.find("--secret"), std::string::npos) << shape.err;
  EXPECT_EQ(shape.err.find("short-secret"), std::string::npos) << shape.err;
}

TEST_F(VaultCommands, UsageErrors) {
  Outcome unexpected = Exec({"create-vault", "v", "--config", config_, "--dir", "x"});
  EXPECT_EQ(unexpected.status, 2);
  EXPECT_EQ(unexpected.err, "mtglacier: create-vault: Unexpected option \"--dir\"\n");
  Outcome unknown = Exec({"list-vaults", "--config", config_, "--frobnicate"});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_EQ(unknown.err, "mtglacier: list-vaults: Unknown option \"--frobnicate\"\n");
  Outcome missing = Exec({"delete-vault", "--config", config_});
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("vault name"), std::string::npos) << missing.err;
  Outcome extra = Exec({"create-vault", "a", "b", "--config", config_});
  EXPECT_EQ(extra.status, 2);
  EXPECT_EQ(extra.err, "mtglacier: create-vault: Unexpected argument in command line: b\n");
  Outcome bad_name = Exec({"create-vault", "no/slash", "--config", config_});
  EXPECT_EQ(bad_name.status, 2);
  Outcome twice = Exec({"list-vaults", "--config", config_, "--format", "mtmsg", "--format", "mtmsg"});
  EXPECT_EQ(twice.status, 2);
  EXPECT_EQ(twice.err,
            "mtglacier: list-vaults: \"--format\" specified, while \"--format\" already defined\n");
  Outcome bad_format = Exec({"list-vaults", "--config", config_, "--format", "xml"});
  EXPECT_EQ(bad_format.status, 2);
  EXPECT_NE(bad_format.err.find("format"), std::string::npos) << bad_format.err;
  Outcome help = Exec({"list-vaults", "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_EQ(help.out.rfind("Usage: mtglacier list-vaults", 0), 0u) << help.out;
}

TEST_F(VaultCommands, NoCredentialsIsAnError) {
  Outcome r = Exec({"list-vaults", "--endpoint", server_->endpoint()});
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("mtglacier: list-vaults: "), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

}  // namespace
