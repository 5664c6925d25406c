#include "cli/check_local_hash_command.h"

#include <cstring>
#include <ostream>

#include "cli/options_parser.h"
#include "cli/transfer.h"
#include "cli/tree_hash_command.h"
#include "cli/vault_commands.h"
#include "hash/sha256.h"
#include "journal/journal_file.h"
#include "sync/filter.h"

namespace mtg::cli {
namespace {

CommandOptions CheckLocalHashOptions() {
  // The original demanded key/secret/region here without using them; we accept and ignore them.
  CommandOptions spec{.options = ConnectionOptionNames(), .deprecated = {"vault"},
                      .takes_vault_name = false};
  for (std::string_view o : {"dir", "journal", "filter", "include", "exclude", "dry-run",
                             "journal-encoding", "filenames-encoding"}) {
    spec.options.push_back(o);
  }
  return spec;
}

struct Totals {
  uint64_t ok = 0, mtime = 0, treehash = 0, size = 0, zero = 0, missed = 0, errors = 0;
  bool Failed() const { return treehash + size + zero + missed + errors > 0; }
};

// One file's verdict lines, as the original printed them; counts go into `totals`.
void CheckOne(Context& ctx, const std::string& dir, const journal::Archive& version,
              Totals& totals) {
  const std::string rel(version.relfilename());
  const std::string path = io::JoinPath(dir, rel);
  auto info = ctx.fs.Stat(path);
  if (!info || info->type != io::FileType::kRegular) {
    ctx.out << "MISSED " << rel << '\n';
    ++totals.missed;
    return;
  }
  if (info->size == 0) {
    ctx.out << "ZERO SIZE " << rel << '\n';
    ++totals.zero;
    return;
  }
  if (auto mtime = version.mtime(); mtime && *mtime != info->mtime) {
    ctx.out << "MTIME missmatch " << rel << ' ' << *mtime << " != " << info->mtime << '\n';
    ++totals.mtime;
  }
  if (info->size != version.size()) {
    ctx.out << "SIZE MISSMATCH " << rel << '\n';
    ++totals.size;
    return;
  }
  auto digest = TreeHashFile(ctx.fs, path);
  if (!digest) {
    const Error& e = digest.error();
    ctx.out << "CANNOT OPEN file " << rel << ": "
            << (e.sys_errno != 0 ? std::string(std::strerror(e.sys_errno)) : e.message) << '\n';
    ++totals.errors;
    return;
  }
  const std::string hex = hash::ToHex(*digest);
  if (hex == version.tree_hash()) {
    ctx.out << "OK " << rel << ' ' << info->size << ' ' << hex << '\n';
    ++totals.ok;
  } else {
    ctx.out << "TREEHASH MISSMATCH " << rel << '\n';
    ++totals.treehash;
  }
}

}  // namespace

const std::string_view kCheckLocalHashUsage =
    "Usage: mtglacier check-local-hash --dir DIR --journal FILE [OPTION]...\n"
    "Check every file of the journal (its latest version) against the file under DIR: size,\n"
    "tree hash and modification time. Prints one line per file (OK, TREEHASH MISSMATCH,\n"
    "SIZE MISSMATCH, ZERO SIZE, MISSED, MTIME missmatch, CANNOT OPEN) and a TOTALS block,\n"
    "in mt-aws-glacier's words. Exit status 1 when any file failed a check (a modification\n"
    "time difference alone is not a failure). Contacts nothing; credentials are not needed.\n"
    "  --dir DIR              the local copy of the files\n"
    "  --journal FILE         the journal (must exist)\n"
    "  --filter RULES, --include PATTERN, --exclude PATTERN\n"
    "                         check only the journal's files the rules keep (in order)\n"
    "  --dry-run              list the files that would be checked\n"
    "  --config FILE          mt-aws-glacier config file (dir= and journal= are read from it)\n";

ExitCode RunCheckLocalHash(Context& ctx) {
  constexpr std::string_view kName = "check-local-hash";
  ExitCode status = kExitOk;
  auto options = ReadCommandOptions(ctx, *FindCommand(kName), CheckLocalHashOptions(), status);
  if (!options) return status;
  auto dir = options->Get("dir");
  auto journal_path = options->Get("journal");
  if (!dir || !journal_path) {
    PrintError(ctx, kName, !dir ? "Option \"--dir\" required" : "Option \"--journal\" required");
    return kExitUsage;
  }
  auto filter = FilterOf(*options);
  if (!filter) {
    PrintError(ctx, kName, filter.error().message);
    return kExitUsage;
  }
  journal::ReplayOptions replay;
  if (!filter->empty()) {
    replay.include = [&f = *filter](std::string_view rel) { return f.IncludesFile(rel); };
  }
  auto state = journal::LoadJournal(ctx.fs, *journal_path, replay, journal::IfMissing::kError);
  if (!state) {
    PrintError(ctx, kName, state.error().ToString());
    return ExitCodeFor(state.error());
  }
  for (const journal::Diagnostic& d : state->warnings()) {
    ctx.err << "WARNING: journal line " << d.line << ": " << d.message << '\n';
  }
  const bool dry_run = options->Flag("dry-run");
  Totals totals;
  for (size_t i = 0; i < state->file_count(); ++i) {
    journal::Archive latest = state->file(i).latest();
    if (dry_run) {
      ctx.out << "Will check file " << latest.relfilename() << '\n';
    } else {
      CheckOne(ctx, *dir, latest, totals);
    }
  }
  if (dry_run) {
    ctx.out << "OK DONE\n";
    return kExitOk;
  }
  ctx.out << "TOTALS:\n"
          << totals.ok << " OK\n"
          << totals.mtime << " MODIFICATION TIME MISSMATCHES\n"
          << totals.treehash << " TREEHASH MISSMATCH\n"
          << totals.size << " SIZE MISSMATCH\n"
          << totals.zero << " ZERO SIZE\n"
          << totals.missed << " MISSED\n"
          << totals.errors << " ERRORS\n";
  if (totals.Failed()) {
    ctx.out.flush();
    PrintError(ctx, kName, "check-local-hash reported errors");
    return kExitError;
  }
  ctx.out << "OK DONE\n";
  return kExitOk;
}

}  // namespace mtg::cli
