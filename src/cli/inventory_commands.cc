#include "cli/inventory_commands.h"

#include <ostream>

#include "cli/restore_commands.h"
#include "cli/vault_commands.h"
#include "journal/journal_file.h"
#include "journal/journal_writer.h"
#include "meta/description.h"
#include "meta/iso8601.h"
#include "sync/inventory_fetch.h"
#include "sync/inventory_journal.h"
#include "sync/verify.h"

namespace mtg::cli {
namespace {

CommandOptions SpecWith(std::initializer_list<std::string_view> extra) {
  CommandOptions spec{.options = ConnectionOptionNames(), .deprecated = {}, .takes_vault_name = false};
  spec.options.insert(spec.options.end(), extra.begin(), extra.end());
  return spec;
}

ExitCode Failed(Context& ctx, std::string_view name, const Error& error) {
  PrintError(ctx, name, error.ToString());
  return ExitCodeFor(error);
}

bool Require(Context& ctx, std::string_view name, const Options& options,
             std::initializer_list<std::string_view> required) {
  for (std::string_view r : required) {
    if (!options.Get(r)) {
      PrintError(ctx, name, "Option \"--" + std::string(r) + "\" required");
      return false;
    }
  }
  return true;
}

// The newest full inventory, downloaded next to `near_path`; nullopt (after a warning) when the
// vault has none yet.
Result<std::optional<std::pair<glacier::JobInfo, sync::FetchedInventory>>> NewestInventory(
    Context& ctx, glacier::Client& client, const std::string& vault, const std::string& near_path) {
  auto job = sync::FindNewestInventoryJob(client, vault);
  if (!job) return Fail(job.error());
  if (!*job) {
    ctx.err << "WARNING: vault " << vault
            << " has no completed full inventory job (run retrieve-inventory and wait for it)\n";
    return std::nullopt;
  }
  auto fetched = sync::FetchInventory(client, ctx.fs, vault, **job, io::DirName(near_path));
  if (!fetched) return Fail(fetched.error());
  return std::pair{std::move(**job), std::move(*fetched)};
}

}  // namespace

const std::string_view kRetrieveInventoryUsage =
    "Usage: mtglacier retrieve-inventory --vault VAULT [--request-inventory-format json|csv]\n"
    "                                    [OPTION]...\n"
    "Start an inventory-retrieval job for the whole vault (description \"mtijob1 ...\", as\n"
    "mt-aws-glacier) and print \"Retrieved Inventory, job id ID\". The inventory is ready hours\n"
    "later; then run download-inventory or verify.\n"
    "  --vault VAULT                        the vault\n"
    "  --request-inventory-format json|csv  the inventory's format (default json)\n"
    MTG_CONNECTION_HELP;

const std::string_view kDownloadInventoryUsage =
    "Usage: mtglacier download-inventory --vault VAULT --new-journal FILE [OPTION]...\n"
    "Rebuild a journal from the vault: download the newest completed full inventory (JSON or\n"
    "CSV, streamed, in bounded memory) and write one CREATED record per archive to FILE, which\n"
    "must be absent or empty. Archives uploaded by mt-aws-glacier or mtglacier get their file\n"
    "name and mtime from their description; others (and descriptions naming an unsafe path,\n"
    "reported) get their archive id as name and mtime NONE; restore-completed gives those the\n"
    "archive's creation time. The journal appears only complete (written aside, then renamed).\n"
    "  --vault VAULT          the vault\n"
    "  --new-journal FILE     the journal to create\n"
    MTG_CONNECTION_HELP;

const std::string_view kVerifyUsage =
    "Usage: mtglacier verify --vault VAULT --journal FILE [OPTION]...\n"
    "Compare the vault's newest completed full inventory with the journal, archive by archive,\n"
    "and print one line per difference: MISSING IN VAULT (in the journal, not in the vault),\n"
    "NOT IN JOURNAL (in the vault, unknown to the journal), SIZE MISMATCH, TREEHASH MISMATCH;\n"
    "then a VERIFY TOTALS block. Exit status 0 when everything matches, 1 on any difference.\n"
    "An inventory is a snapshot (Glacier refreshes it about daily): archives uploaded at or\n"
    "after its date are listed as NOT YET IN INVENTORY and are not a failure; retrieve a fresh\n"
    "inventory (retrieve-inventory) to check them.\n"
    "  --vault VAULT          the vault\n"
    "  --journal FILE         the journal (must exist)\n"
    MTG_CONNECTION_HELP;

ExitCode RunRetrieveInventory(Context& ctx) {
  constexpr std::string_view kName = "retrieve-inventory";
  ExitCode status = kExitOk;
  auto options = ReadCommandOptions(ctx, *FindCommand(kName), SpecWith({"vault", "request-inventory-format"}),
                                    status);
  if (!options) return status;
  if (!Require(ctx, kName, *options, {"vault"})) return kExitUsage;
  auto connection = Connect(*options);
  if (!connection) return Failed(ctx, kName, connection.error());
  glacier::InventoryRetrieval request;
  request.format = options->Get("request-inventory-format").value_or("json") == "csv" ? "CSV" : "JSON";
  auto description = meta::EncodeJobDescription(meta::kJobTypeFull);
  if (!description) return Failed(ctx, kName, description.error());
  request.description = *description;
  auto job = (*connection)->client().InitiateInventoryRetrieval(*options->Get("vault"), request);
  if (!job) return Failed(ctx, kName, job.error());
  ctx.out << "Retrieved Inventory, job id " << *job << "\nOK DONE\n";
  return kExitOk;
}

ExitCode RunDownloadInventory(Context& ctx) {
  constexpr std::string_view kName = "download-inventory";
  ExitCode status = kExitOk;
  auto options = ReadCommandOptions(ctx, *FindCommand(kName), SpecWith({"vault", "new-journal"}), status);
  if (!options) return status;
  if (!Require(ctx, kName, *options, {"vault", "new-journal"})) return kExitUsage;
  const std::string vault = *options->Get("vault");
  const std::string journal_path = *options->Get("new-journal");
  if (auto info = ctx.fs.Stat(journal_path); info && info->size > 0) {
    PrintError(ctx, kName, "Journal file not empty - please provide empty file no write new journal");
    return kExitError;
  }
  // Held to the end, so no other mtglacier writes the journal meanwhile.
  auto lock = journal::JournalWriter::Open(ctx.fs, journal_path);
  if (!lock) return Failed(ctx, kName, lock.error());
  auto connection = Connect(*options);
  if (!connection) return Failed(ctx, kName, connection.error());
  auto inventory = NewestInventory(ctx, (*connection)->client(), vault, journal_path);
  if (!inventory) return Failed(ctx, kName, inventory.error());
  if (!*inventory) {
    ctx.out << "OK DONE\n";
    return kExitOk;
  }
  const auto& [job, fetched] = **inventory;
  auto counts = sync::WriteJournalFromInventory(
      ctx.fs, fetched.path, fetched.format, journal_path,
      [&](const std::string& warning) { ctx.err << "WARNING: " << warning << '\n'; });
  (void)ctx.fs.Remove(fetched.path);
  if (!counts) return Failed(ctx, kName, counts.error().WithContext("inventory job " + job.job_id));
  ctx.out << "Downloaded inventory of job " << job.job_id << " (" << fetched.bytes << " bytes): "
          << counts->archives << " archive(s), " << counts->ours << " with our descriptions, "
          << counts->foreign << " named by archive id\nOK DONE\n";
  return kExitOk;
}

ExitCode RunVerify(Context& ctx) {
  constexpr std::string_view kName = "verify";
  ExitCode status = kExitOk;
  auto options = ReadCommandOptions(ctx, *FindCommand(kName), SpecWith({"vault", "journal"}), status);
  if (!options) return status;
  if (!Require(ctx, kName, *options, {"vault", "journal"})) return kExitUsage;
  const std::string vault = *options->Get("vault");
  const std::string journal_path = *options->Get("journal");
  auto state = journal::LoadJournal(ctx.fs, journal_path, {}, journal::IfMissing::kError);
  if (!state) return Failed(ctx, kName, state.error());
  auto connection = Connect(*options);
  if (!connection) return Failed(ctx, kName, connection.error());
  auto inventory = NewestInventory(ctx, (*connection)->client(), vault, journal_path);
  if (!inventory) return Failed(ctx, kName, inventory.error());
  if (!*inventory) {
    PrintError(ctx, kName, "nothing to compare with: no completed inventory");
    return kExitError;
  }
  const auto& [job, fetched] = **inventory;
  sync::InventoryVerifier verifier(*state, [&](const std::string& line) { ctx.out << line << '\n'; });
  auto date = sync::ParseInventoryFile(ctx.fs, fetched.path, fetched.format,
                                       [&](const meta::InventoryItem& item) { return verifier.Consider(item); });
  (void)ctx.fs.Remove(fetched.path);
  if (!date) return Failed(ctx, kName, date.error().WithContext("inventory job " + job.job_id));
  // JSON carries its InventoryDate; CSV does not, so the job's creation stands in for it.
  std::optional<int64_t> taken = meta::Iso8601ToEpoch(date->empty() ? job.creation_date : *date);
  sync::VerifyCounts c = verifier.Finish(taken.value_or(0));
  ctx.out << "VERIFY TOTALS (inventory of " << (date->empty() ? job.creation_date : *date) << "):\n"
          << c.ok << " OK\n"
          << c.missing_in_vault << " MISSING IN VAULT\n"
          << c.not_in_journal << " NOT IN JOURNAL\n"
          << c.size_mismatch << " SIZE MISMATCH\n"
          << c.tree_hash_mismatch << " TREEHASH MISMATCH\n"
          << c.newer_than_inventory << " NOT YET IN INVENTORY\n";
  if (!c.AllMatch()) {
    ctx.out.flush();
    PrintError(ctx, kName, "the vault and the journal differ");
    return kExitError;
  }
  ctx.out << "OK DONE\n";
  return kExitOk;
}

}  // namespace mtg::cli
