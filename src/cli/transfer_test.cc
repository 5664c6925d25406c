#include "cli/transfer.h"

#include <gtest/gtest.h>

#include <sstream>

#include "io/memory_file_system.h"

namespace mtg::cli {
namespace {

struct Console {
  std::ostringstream out, err;
  io::MemoryFileSystem fs;
  Context ctx{.args = {}, .out = out, .err = err, .fs = fs, .stdin_fd = 0, .threads = 1,
              .err_is_terminal = false, .cancel = nullptr};
};

sync::Action Upload(std::string rel) {
  return sync::Action{.kind = sync::ActionKind::kUpload, .relative_name = std::move(rel), .size = 10, .mtime = 1};
}

TEST(ConsoleObserver, PrintsOneLinePerFileAndErrorsOnStderr) {
  Console c;
  ConsoleObserver o(c.ctx, "sync");
  sync::FileResult ok{.outcome = sync::Outcome::kUploaded, .archive_id = "ID", .tree_hash = "TH",
                      .resumed = true, .parts_reused = 3, .error = {}, .warning = {}};
  o.Finished(Upload("a b"), ok);
  sync::FileResult failed;
  failed.error = Error(ErrorCode::kIo, "cannot read");
  o.Finished(Upload("c"), failed);
  EXPECT_EQ(c.out.str(),
            "Finished a b hash [TH] archive_id [ID] (resumed an earlier upload; 3 parts were already stored)\n");
  EXPECT_NE(c.err.str().find("mtglacier: sync: c: cannot read"), std::string::npos) << c.err.str();
  EXPECT_EQ(o.failures(), 1u);
}

TEST(ConsoleObserver, QuietKeepsOnlyErrorsAndWarnings) {
  Console c;
  ConsoleObserver o(c.ctx, "sync", /*quiet=*/true);
  o.Finished(Upload("a"), sync::FileResult{.outcome = sync::Outcome::kUploaded, .archive_id = "ID",
                                          .tree_hash = "TH", .resumed = false, .parts_reused = 0,
                                          .error = {}, .warning = "old archive kept"});
  o.Notice("NOTICE: something");
  o.Bytes(1 << 20);
  EXPECT_EQ(c.out.str(), "");
  EXPECT_NE(c.err.str().find("WARNING: a: old archive kept"), std::string::npos) << c.err.str();
  EXPECT_EQ(o.warnings(), 1u);
}

TEST(ConsoleObserver, OnATerminalAStatusLineIsRedrawnAndClearedBeforeLogLines) {
  Console c;
  c.ctx.err_is_terminal = true;
  ConsoleObserver o(c.ctx, "sync");
  o.Planned(2, 3 << 20, true);
  o.Line("first");
  EXPECT_NE(c.err.str().find("files 0/2, 0 B/3.0 MiB"), std::string::npos) << c.err.str();
  o.Line("second");
  // Every log line clears the status line first.
  EXPECT_NE(c.err.str().find("\r\033[K"), std::string::npos);
  EXPECT_EQ(c.out.str(), "first\nsecond\n");
}

TEST(HumanBytes, Units) {
  EXPECT_EQ(HumanBytes(0), "0 B");
  EXPECT_EQ(HumanBytes(1023), "1023 B");
  EXPECT_EQ(HumanBytes(1536), "1.5 KiB");
  EXPECT_EQ(HumanBytes(uint64_t{5} << 30), "5.0 GiB");
}

}  // namespace
}  // namespace mtg::cli
