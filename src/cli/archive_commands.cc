// upload-file (reference §2.2) and purge-vault (§2.6): the two transfer commands that are not a
// directory sync. Both run through the same executor as sync.
#include <ostream>

#include "base/clock.h"
#include "cli/sync_command.h"
#include "cli/transfer.h"
#include "config/options.h"
#include "journal/journal_file.h"
#include "journal/pending_uploads.h"
#include "journal/relative_name.h"
#include "meta/description.h"
#include "sync/stream_upload.h"

namespace mtg::cli {
namespace {

CommandOptions UploadFileOptions() {
  CommandOptions spec{.options = ConnectionOptionNames(), .deprecated = {}, .takes_vault_name = false};
  for (std::string_view o : {"vault", "journal", "concurrency", "partsize", "filename", "dir",
                             "set-rel-filename", "stdin", "check-max-file-size", "journal-encoding",
                             "filenames-encoding", "quiet"}) {
    spec.options.push_back(o);
  }
  return spec;
}

CommandOptions PurgeVaultOptions() {
  CommandOptions spec{.options = ConnectionOptionNames(), .deprecated = {"dir"}, .takes_vault_name = false};
  for (std::string_view o : {"vault", "journal", "concurrency", "filter", "include", "exclude", "dry-run",
                             "journal-encoding", "filenames-encoding", "quiet"}) {
    spec.options.push_back(o);
  }
  return spec;
}

// The file and the name it gets in the journal, from the three accepted option combinations.
struct UploadSource {
  bool from_stdin = false;
  std::string path;           // the file to read
  std::string relative_name;  // the name it gets in the journal and its description
};

Result<UploadSource> SourceOf(Context& ctx, const Options& options) {
  auto filename = options.Get("filename");
  auto dir = options.Get("dir");
  auto rel = options.Get("set-rel-filename");
  const bool from_stdin = options.Flag("stdin");
  auto usage = [](std::string m) { return Fail(ErrorCode::kInvalidArgument, std::move(m)); };
  if (dir && rel) return usage("Options \"--dir\" and \"--set-rel-filename\" are mutual exclusive");
  if (from_stdin) {
    if (filename) return usage("Options \"--filename\" and \"--stdin\" are mutual exclusive");
    if (!rel) return usage("Option \"--set-rel-filename\" required with \"--stdin\"");
    if (!options.Get("check-max-file-size")) {
      return usage("Need to use \"--stdin\" together with \"--check-max-file-size\"");
    }
  } else {
    if (!filename) return usage("Option \"--filename\" or \"--stdin\" required");
    if (!dir && !rel) return usage("Option \"--dir\" or \"--set-rel-filename\" required with \"--filename\"");
    auto info = ctx.fs.Stat(*filename);
    if (!info || info->type != io::FileType::kRegular) {
      return usage("File not found or not a regular file: " + *filename);
    }
    if (info->size == 0) return usage("File is empty (Glacier has no empty archives): " + *filename);
  }
  UploadSource source;
  source.from_stdin = from_stdin;
  if (rel) {
    if (!journal::IsRelativeFilename(*rel)) {
      return usage("\"--set-rel-filename\" should be a relative filename without \"..\", \".\" or \"//\": " + *rel);
    }
    source.relative_name = *rel;
    if (!from_stdin) source.path = *filename;
    return source;
  }
  // --filename inside --dir: both resolved through symlinks, as mt-aws-glacier 1.110+ did.
  auto real_dir = ctx.fs.RealPath(*dir);
  auto real_file = ctx.fs.RealPath(*filename);
  if (!real_dir) return Fail(std::move(real_dir.error()));
  if (!real_file) return Fail(std::move(real_file.error()));
  std::string prefix = *real_dir == "/" ? "/" : *real_dir + "/";
  if (!real_file->starts_with(prefix)) {
    return usage("File specified with \"--filename\" should be inside directory specified in \"--dir\"");
  }
  source.path = *real_file;
  source.relative_name = real_file->substr(prefix.size());
  if (!journal::IsRelativeFilename(source.relative_name)) {
    return usage("Not a valid relative file name: " + source.relative_name);
  }
  return source;
}

}  // namespace

const std::string_view kUploadFileUsage =
    "Usage: mtglacier upload-file --vault VAULT --journal FILE SOURCE [OPTION]...\n"
    "Upload one file (or standard input) and record it in the journal. SOURCE is one of:\n"
    "  --filename F --dir D                 F, recorded under its path relative to D\n"
    "  --filename F --set-rel-filename R    F, recorded as R\n"
    "  --stdin --set-rel-filename R --check-max-file-size MiB\n"
    "                                       standard input, recorded as R with the current\n"
    "                                       time as its mtime; refused beyond MiB\n"
    "A name already in the journal is refused (one version per name).\n"
    "  --concurrency N   parallel connections (default 4)\n"
    "  --partsize MiB    part size, a power of two (default 16)\n"
    "Connection options as for sync.\n";

const std::string_view kPurgeVaultUsage =
    "Usage: mtglacier purge-vault --vault VAULT --journal FILE [OPTION]...\n"
    "Delete every archive the journal records (all versions of every file, restricted by\n"
    "the filters) and record each deletion. A re-run deletes only what is left.\n"
    "  --filter RULES, --include PATTERN, --exclude PATTERN\n"
    "  --concurrency N   parallel connections (default 4)\n"
    "  --dry-run         print \"Will DELETE archive ID (filename NAME)\" lines only\n"
    "Connection options as for sync.\n";

ExitCode RunUploadFile(Context& ctx) {
  constexpr std::string_view kName = "upload-file";
  ExitCode status = kExitOk;
  auto options = ReadCommandOptions(ctx, *FindCommand(kName), UploadFileOptions(), status);
  if (!options) return status;
  if (!HasRequiredOptions(ctx, kName, *options, {"vault", "journal"})) return kExitUsage;
  auto source = SourceOf(ctx, *options);
  if (!source) {
    PrintError(ctx, kName, source.error().message);
    return ExitCodeFor(source.error());
  }
  const std::string vault = *options->Get("vault");
  const std::string journal_path = *options->Get("journal");
  const std::string& recorded_name = source->relative_name;
  const uint64_t part_size = PartSizeOf(*options);
  uint64_t max_size = 0;
  if (source->from_stdin) {
    uint64_t max_mib = std::stoull(*options->Get("check-max-file-size"));
    if (auto fits = config::CheckMaxFileSizeFitsPartsize(max_mib, static_cast<uint32_t>(part_size >> 20)); !fits) {
      PrintError(ctx, kName, fits.error().message);
      return kExitUsage;
    }
    max_size = max_mib << 20;
  }
  auto writer = journal::JournalWriter::Open(ctx.fs, journal_path);
  if (!writer) {
    PrintError(ctx, kName, writer.error().ToString());
    return kExitError;
  }
  auto state = journal::LoadJournal(ctx.fs, journal_path, {}, journal::IfMissing::kEmpty);
  if (!state) {
    PrintError(ctx, kName, state.error().ToString());
    return ExitCodeFor(state.error());
  }
  if (state->FindFile(recorded_name)) {
    PrintError(ctx, kName,
               "File with same name already exists in Journal.\n"
               "In the current version of mtglacier you are disallowed to store multiple versions of same file.\n"
               "Multiversion will be implemented in the future versions.");
    return kExitError;
  }
  auto workers = ConnectWorkers(*options, ConcurrencyOf(*options));
  if (!workers) {
    PrintError(ctx, kName, workers.error().ToString());
    return ExitCodeFor(workers.error());
  }
  ConsoleObserver console(ctx, std::string(kName), options->Flag("quiet"));
  if (source->from_stdin) {
    const int64_t mtime = SystemClock::Instance().NowUnix();
    auto description = meta::EncodeDescription(recorded_name, mtime);
    if (!description) {
      PrintError(ctx, kName, description.error().message);
      return kExitUsage;
    }
    auto done = sync::UploadStream(
        sync::FdReader(ctx.stdin_fd), workers->clients,
        sync::StreamUploadOptions{.vault = vault, .description = *description, .part_size = part_size,
                                  .max_size = max_size},
        [&](uint64_t n) { console.Bytes(n); }, ctx.cancel);
    if (!done) {
      PrintError(ctx, kName, done.error().ToString());
      return ExitCodeFor(done.error());
    }
    journal::CreatedRecord record{.time = SystemClock::Instance().NowUnix(), .archive_id = done->archive_id,
                                  .size = done->size, .mtime = mtime, .tree_hash = done->tree_hash,
                                  .relfilename = recorded_name};
    if (auto added = (*writer)->AddCreated(record); !added) {
      PrintError(ctx, kName, added.error().ToString());
      return kExitError;
    }
    if (auto closed = (*writer)->Close(); !closed) {
      PrintError(ctx, kName, closed.error().ToString());
      return kExitError;
    }
    console.Line("Finished " + recorded_name + " hash [" + done->tree_hash + "] archive_id [" + done->archive_id + "]");
    ctx.out << "OK DONE\n";
    return kExitOk;
  }
  auto info = ctx.fs.Stat(source->path);
  if (!info) {
    PrintError(ctx, kName, info.error().ToString());
    return kExitError;
  }
  auto pending = journal::PendingUploads::Load(ctx.fs, journal::PendingUploadsPath(journal_path));
  if (!pending) {
    PrintError(ctx, kName, pending.error().ToString());
    return kExitError;
  }
  sync::Action action{.kind = sync::ActionKind::kUpload, .relative_name = source->relative_name,
                      .size = info->size, .mtime = info->mtime, .source_path = source->path};
  sync::UploadExecutor executor(ctx.fs, workers->clients, **writer, *pending, SystemClock::Instance(),
                                sync::ExecutorOptions{.vault = vault, .dir = {}, .part_size = part_size},
                                console);
  bool given = false;
  sync::ExecutorTotals totals = executor.Run([&](sync::Action& a) {
    if (given) return false;
    given = true;
    a = action;
    console.Planned(1, action.size, true);
    return true;
  }, ctx.cancel);
  if (!totals.cancelled) executor.AbortOrphans(*workers->clients.front());
  if (auto closed = (*writer)->Close(); !closed) {
    PrintError(ctx, kName, closed.error().ToString());
    return kExitError;
  }
  if (totals.cancelled) return kExitInterrupted;
  if (totals.failed > 0) return kExitError;
  ctx.out << "OK DONE\n";
  return kExitOk;
}

ExitCode RunPurgeVault(Context& ctx) {
  constexpr std::string_view kName = "purge-vault";
  ExitCode status = kExitOk;
  auto options = ReadCommandOptions(ctx, *FindCommand(kName), PurgeVaultOptions(), status);
  if (!options) return status;
  if (!HasRequiredOptions(ctx, kName, *options, {"vault", "journal"})) return kExitUsage;
  auto filter = FilterOf(*options);
  if (!filter) {
    PrintError(ctx, kName, filter.error().message);
    return kExitUsage;
  }
  const std::string vault = *options->Get("vault");
  const std::string journal_path = *options->Get("journal");
  const bool dry_run = options->Flag("dry-run");
  std::unique_ptr<journal::JournalWriter> writer;
  if (!dry_run) {
    auto opened = journal::JournalWriter::Open(ctx.fs, journal_path);
    if (!opened) {
      PrintError(ctx, kName, opened.error().ToString());
      return kExitError;
    }
    writer = std::move(*opened);
  }
  journal::ReplayOptions replay;
  if (!filter->empty()) replay.include = [&f = *filter](std::string_view rel) { return f.IncludesFile(rel); };
  auto state = journal::LoadJournal(ctx.fs, journal_path, replay, journal::IfMissing::kError);
  if (!state) {
    PrintError(ctx, kName, state.error().ToString());
    return ExitCodeFor(state.error());
  }
  std::vector<journal::Archive> archives = state->archives();
  if (archives.empty()) {
    ctx.out << "Nothing to delete\nOK DONE\n";
    return kExitOk;
  }
  if (dry_run) {
    for (const journal::Archive& a : archives) {
      ctx.out << "Will DELETE archive " << a.archive_id() << " (filename " << a.relfilename() << ")\n";
    }
    ctx.out << "OK DONE\n";
    return kExitOk;
  }
  auto pending = journal::PendingUploads::Load(ctx.fs, journal::PendingUploadsPath(journal_path));
  if (!pending) {
    PrintError(ctx, kName, pending.error().ToString());
    return kExitError;
  }
  auto workers = ConnectWorkers(*options, ConcurrencyOf(*options));
  if (!workers) {
    PrintError(ctx, kName, workers.error().ToString());
    return ExitCodeFor(workers.error());
  }
  ConsoleObserver console(ctx, std::string(kName), options->Flag("quiet"));
  sync::UploadExecutor executor(ctx.fs, workers->clients, *writer, *pending, SystemClock::Instance(),
                                sync::ExecutorOptions{.vault = vault, .dir = {}, .part_size = PartSizeOf(*options)},
                                console);
  size_t next = 0;
  sync::ExecutorTotals totals = executor.Run([&](sync::Action& a) {
    if (next == archives.size()) return false;
    const journal::Archive& archive = archives[next++];
    a = sync::Action{.kind = sync::ActionKind::kDelete, .relative_name = std::string(archive.relfilename()),
                     .old_archive_id = archive.archive_id()};
    console.Planned(next, 0, next == archives.size());
    return true;
  }, ctx.cancel);
  if (auto closed = writer->Close(); !closed) {
    PrintError(ctx, kName, closed.error().ToString());
    return kExitError;
  }
  console.Line("Purge summary: " + std::to_string(totals.deleted) + " deleted, " + std::to_string(totals.failed) +
               " failed");
  if (totals.cancelled) return kExitInterrupted;
  if (totals.failed > 0) return ExitCodeForItems(totals.failed, archives.size());
  ctx.out << "OK DONE\n";
  return kExitOk;
}

}  // namespace mtg::cli
