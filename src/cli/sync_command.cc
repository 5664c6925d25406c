#include "cli/sync_command.h"

#include <ostream>

#include "base/clock.h"
#include "cli/transfer.h"
#include "journal/journal_file.h"
#include "journal/pending_uploads.h"
#include "sync/plan.h"
#include "sync/scan.h"

namespace mtg::cli {
namespace {

constexpr std::string_view kName = "sync";

CommandOptions SyncOptions() {
  CommandOptions spec{.options = ConnectionOptionNames(), .deprecated = {}, .takes_vault_name = false};
  for (std::string_view o : {"dir", "vault", "journal", "concurrency", "partsize", "detect",
                             "leaf-optimization", "max-number-of-files", "follow", "filter", "include",
                             "exclude", "dry-run", "new", "replace-modified", "delete-removed",
                             "journal-encoding", "filenames-encoding", "quiet"}) {
    spec.options.push_back(o);
  }
  return spec;
}

// Everything a run of sync needs besides the options.
struct SyncRun {
  Context& ctx;
  const Options& options;
  std::string dir, vault, journal_path;
  sync::Filter filter;
  sync::PlanOptions plan;
};

void PrintScanEvent(ConsoleObserver& console, const sync::ScanEvent& e) {
  if (sync::IsScanError(e.kind)) {
    console.ErrorLine(e.message);
  } else {
    console.FileLine("NOTICE: " + e.message);
  }
}

ExitCode DryRun(SyncRun& run, const journal::JournalState& journal, sync::Scanner& scanner) {
  ConsoleObserver console(run.ctx, std::string(kName), run.options.Flag("quiet"));
  sync::Planner planner(journal, scanner, run.plan);
  planner.on_scan_event = [&](const sync::ScanEvent& e) { PrintScanEvent(console, e); };
  sync::Action a;
  while (planner.Next(a)) {
    const std::string path = io::JoinPath(run.dir, a.relative_name);
    switch (a.kind) {
      case sync::ActionKind::kUpload: console.Line("Will UPLOAD " + path); break;
      case sync::ActionKind::kReplace:
        console.Line(a.check_tree_hash ? "Will VERIFY treehash and UPLOAD " + path + " if modified"
                                       : "Will UPLOAD " + path);
        break;
      case sync::ActionKind::kDelete:
        console.Line("Will DELETE archive " + a.old_archive_id + " (filename " + a.relative_name + ")");
        break;
      case sync::ActionKind::kSkip: console.FileLine("Skip " + a.relative_name); break;
      case sync::ActionKind::kNotExists: console.FileLine("Not exists " + a.relative_name); break;
    }
  }
  run.ctx.out << "OK DONE\n";
  return kExitOk;
}

ExitCode Execute(SyncRun& run, journal::JournalWriter& writer, const journal::JournalState& journal,
                 sync::Scanner& scanner) {
  ConsoleObserver console(run.ctx, std::string(kName), run.options.Flag("quiet"));
  auto pending = journal::PendingUploads::Load(run.ctx.fs, journal::PendingUploadsPath(run.journal_path));
  if (!pending) {
    PrintError(run.ctx, kName, pending.error().ToString());
    return kExitError;
  }
  const unsigned concurrency = ConcurrencyOf(run.options);
  auto workers = ConnectWorkers(run.options, concurrency);
  if (!workers) {
    PrintError(run.ctx, kName, workers.error().ToString());
    return ExitCodeFor(workers.error());
  }
  sync::UploadExecutor executor(run.ctx.fs, workers->clients, writer, *pending, SystemClock::Instance(),
                                sync::ExecutorOptions{.vault = run.vault, .dir = run.dir,
                                                      .part_size = PartSizeOf(run.options)},
                                console);
  sync::Planner planner(journal, scanner, run.plan);
  planner.on_scan_event = [&](const sync::ScanEvent& e) { PrintScanEvent(console, e); };
  uint64_t files = 0, bytes = 0;
  auto next = [&](sync::Action& a) {
    while (planner.Next(a)) {
      if (a.kind == sync::ActionKind::kSkip) {
        console.FileLine("Skip " + a.relative_name);
        continue;
      }
      if (a.kind == sync::ActionKind::kNotExists) {
        console.FileLine("Not exists " + a.relative_name);
        continue;
      }
      ++files;
      bytes += a.size;
      console.Planned(files, bytes, false);
      return true;
    }
    console.Planned(files, bytes, true);
    return false;
  };
  sync::ExecutorTotals totals = executor.Run(next, run.ctx.cancel);
  if (!totals.cancelled) {
    executor.SettleUntouchedPending([&](const journal::PendingUpload& e) {
      auto entry = journal.FindFile(e.relative_name);
      if (!entry) return false;
      for (const journal::Archive& v : entry->versions()) {
        if (v.size() == e.size && v.mtime() == e.mtime) return true;
      }
      return false;
    });
  }
  if (auto closed = writer.Close(); !closed) {
    PrintError(run.ctx, kName, closed.error().ToString());
    return kExitError;
  }
  const sync::PlanStats& stats = planner.stats();
  console.Line("Sync summary: " + console.Summary(totals) + "; " + std::to_string(stats.skipped) + " skipped" +
               (stats.unknown ? "; " + std::to_string(stats.unknown) +
                                    " journal files under unreadable directories kept" : ""));
  if (totals.cancelled) {
    PrintError(run.ctx, kName, "interrupted; recorded work is kept and the next run resumes the rest");
    return kExitInterrupted;
  }
  if (totals.failed > 0 || console.warnings() > 0) {
    const uint64_t total = totals.uploaded + totals.replaced + totals.unchanged + totals.deleted + totals.failed;
    PrintError(run.ctx, kName, std::to_string(totals.failed) + " of " + std::to_string(total) +
                                   " files failed, " + std::to_string(console.warnings()) +
                                   " need attention (see above)");
    return totals.failed == 0 ? kExitPartial : ExitCodeForItems(totals.failed, total);
  }
  run.ctx.out << "OK DONE\n";
  return kExitOk;
}

}  // namespace

const std::string_view kSyncUsage =
    "Usage: mtglacier sync --dir DIR --vault VAULT --journal FILE [MODE]... [OPTION]...\n"
    "Upload the files under DIR that the journal does not have, and (with the modes below)\n"
    "replace modified files and delete archives of removed ones. Every upload and delete is\n"
    "recorded in the journal once the service confirmed it. An interrupted run resumes: the\n"
    "next run finishes multipart uploads in flight (FILE.pending lists them).\n"
    "Modes (none given: --new):\n"
    "  --new                  upload files that are not in the journal\n"
    "  --replace-modified     upload files that changed, then delete their old archive\n"
    "  --delete-removed       delete archives of files that are gone (or empty) locally\n"
    "  --detect MODE          how --replace-modified tells a change, after a size change:\n"
    "                         mtime-and-treehash (default: tree hash checked when the mtime\n"
    "                         differs), mtime-or-treehash, mtime, treehash, size-only,\n"
    "                         always-positive\n"
    "Options:\n"
    "  --concurrency N        parallel connections, 1 to 30 (default 4)\n"
    "  --partsize MiB         multipart part size, a power of two 1..4096 (default 16); files up\n"
    "                         to it go up in one request; memory used is about N x partsize\n"
    "  --max-number-of-files N  stop after N files to upload, replace or delete\n"
    "  --filter RULES, --include PATTERN, --exclude PATTERN\n"
    "                         select files (mt-aws-glacier rules, in order)\n"
    "  --follow               descend into symlinked directories\n"
    "  --dry-run              print what would be done; writes nothing, contacts nothing\n"
    "  --quiet                only errors and the summary\n"
    "  --leaf-optimization 0|1  accepted for compatibility; no effect\n"
    "Exit status: 0 all done, 3 some files failed (the rest is recorded), 1 error,\n"
    "130 interrupted.\n"
    "Connection: --config FILE, --key/--secret/--token, --region, --endpoint URL, --profile,\n"
    "--protocol http|https (default https), --timeout SECONDS (see 'mtglacier help create-vault').\n";

ExitCode RunSync(Context& ctx) {
  ExitCode status = kExitOk;
  auto options = ReadCommandOptions(ctx, *FindCommand(kName), SyncOptions(), status);
  if (!options) return status;
  if (!HasRequiredOptions(ctx, kName, *options, {"dir", "vault", "journal"})) return kExitUsage;
  auto filter = FilterOf(*options);
  if (!filter) {
    PrintError(ctx, kName, filter.error().message);
    return kExitUsage;
  }
  auto detect = sync::ParseDetect(options->Get("detect").value_or("mtime-and-treehash"));
  if (!detect) {
    PrintError(ctx, kName, detect.error().message);
    return kExitUsage;
  }
  SyncRun run{.ctx = ctx, .options = *options, .dir = *options->Get("dir"), .vault = *options->Get("vault"),
              .journal_path = *options->Get("journal"), .filter = std::move(*filter), .plan = {}};
  run.plan.replace_modified = options->Flag("replace-modified");
  run.plan.delete_removed = options->Flag("delete-removed");
  run.plan.add_new = options->Flag("new") || (!run.plan.replace_modified && !run.plan.delete_removed);
  run.plan.detect = *detect;
  if (auto max = options->Get("max-number-of-files")) run.plan.max_number_of_files = std::stoull(*max);

  if (auto info = ctx.fs.Stat(run.journal_path); info && info->type == io::FileType::kDirectory) {
    PrintError(ctx, kName, "journal " + run.journal_path + " is a directory");
    return kExitUsage;
  }
  auto scanner = sync::Scanner::Open(ctx.fs, sync::ScanOptions{.dir = run.dir, .follow = options->Flag("follow"),
                                                               .filter = &run.filter});
  if (!scanner) {
    PrintError(ctx, kName, scanner.error().message);
    return ExitCodeFor(scanner.error());
  }
  const bool dry_run = options->Flag("dry-run");
  // The lock comes before reading, so the journal cannot change between the read and our appends.
  std::unique_ptr<journal::JournalWriter> writer;
  if (!dry_run) {
    auto opened = journal::JournalWriter::Open(ctx.fs, run.journal_path);
    if (!opened) {
      PrintError(ctx, kName, opened.error().ToString());
      return kExitError;
    }
    writer = std::move(*opened);
  }
  journal::ReplayOptions replay;
  if (!run.filter.empty()) {
    replay.include = [&f = run.filter](std::string_view rel) { return f.IncludesFile(rel); };
  }
  auto state = journal::LoadJournal(ctx.fs, run.journal_path, replay, journal::IfMissing::kEmpty);
  if (!state) {
    PrintError(ctx, kName, state.error().ToString());
    return ExitCodeFor(state.error());
  }
  for (const journal::Diagnostic& d : state->warnings()) {
    ctx.err << "WARNING: journal line " << d.line << ": " << d.message << '\n';
  }
  if (dry_run) return DryRun(run, *state, *scanner);
  return Execute(run, *writer, *state, *scanner);
}

}  // namespace mtg::cli
