#include "cli/restore_commands.h"

#include <algorithm>
#include <charconv>
#include <mutex>
#include <ostream>
#include <unordered_map>

#include "base/clock.h"
#include "cli/transfer.h"
#include "journal/journal_file.h"
#include "journal/journal_writer.h"
#include "sync/download.h"
#include "sync/download_state.h"
#include "sync/restore_plan.h"
#include "sync/retrieve.h"

namespace mtg::cli {
namespace {

constexpr std::string_view kRestore = "restore";
constexpr std::string_view kRestoreCompleted = "restore-completed";

CommandOptions RestoreOptionSpec(bool completed) {
  CommandOptions spec{.options = ConnectionOptionNames(), .deprecated = {}, .takes_vault_name = false};
  for (std::string_view o : {"dir", "vault", "journal", "concurrency", "filter", "include", "exclude",
                             "dry-run", "journal-encoding", "filenames-encoding", "quiet"}) {
    spec.options.push_back(o);
  }
  if (completed) {
    spec.options.push_back("segment-size");
    spec.options.push_back("wait");
  } else {
    for (std::string_view o : {"max-number-of-files", "tier", "sns-topic"}) spec.options.push_back(o);
  }
  return spec;
}

uint64_t ParseNumber(const std::optional<std::string>& text, uint64_t fallback) {
  if (!text) return fallback;
  uint64_t n = fallback;
  std::from_chars(text->data(), text->data() + text->size(), n);
  return n;
}

// What both commands start with: options, required ones, the journal read with the filters.
struct Prepared {
  std::optional<Options> options;
  std::string dir, vault, journal_path;
  journal::JournalState state;
};

std::optional<Prepared> Prepare(Context& ctx, std::string_view name, bool completed, ExitCode& status) {
  Prepared p;
  p.options = ReadCommandOptions(ctx, *FindCommand(name), RestoreOptionSpec(completed), status);
  if (!p.options) return std::nullopt;
  std::vector<std::string_view> required = {"dir", "vault", "journal"};
  if (!completed) required.push_back("max-number-of-files");
  for (std::string_view r : required) {
    if (!p.options->Get(r)) {
      PrintError(ctx, name, "Option \"--" + std::string(r) + "\" required");
      status = kExitUsage;
      return std::nullopt;
    }
  }
  p.dir = *p.options->Get("dir");
  p.vault = *p.options->Get("vault");
  p.journal_path = *p.options->Get("journal");
  auto filter = FilterOf(*p.options);
  if (!filter) {
    PrintError(ctx, name, filter.error().message);
    status = kExitUsage;
    return std::nullopt;
  }
  journal::ReplayOptions replay;
  if (!filter->empty()) {
    replay.include = [&f = *filter](std::string_view rel) { return f.IncludesFile(rel); };
  }
  auto state = journal::LoadJournal(ctx.fs, p.journal_path, replay, journal::IfMissing::kError);
  if (!state) {
    PrintError(ctx, name, state.error().ToString());
    status = ExitCodeFor(state.error());
    return std::nullopt;
  }
  for (const journal::Diagnostic& d : state->warnings()) {
    ctx.err << "WARNING: journal line " << d.line << ": " << d.message << '\n';
  }
  p.state = std::move(*state);
  return p;
}

void ReportRefused(Context& ctx, std::string_view name, const std::vector<sync::RefusedFile>& refused) {
  for (const sync::RefusedFile& r : refused) PrintError(ctx, name, r.error.message);
}

}  // namespace

const std::string_view kRestoreUsage =
    "Usage: mtglacier restore --dir DIR --vault VAULT --journal FILE --max-number-of-files N\n"
    "                         [OPTION]...\n"
    "Start an archive-retrieval job for each file of the journal (its latest version) that is\n"
    "missing under DIR and was not requested in the last 24 hours (RETRIEVE_JOB records), at\n"
    "most N of them, in journal order. Each started job is journaled at once and printed as\n"
    "\"Retrieved Archive ID\"; then a summary with the number of archives and bytes. When the\n"
    "jobs have completed (hours later), run restore-completed to download them.\n"
    "Names that would escape DIR (\"..\", absolute, control characters, through a symlink\n"
    "inside DIR) are refused and reported; the rest goes on (exit status 3).\n"
    "  --dir DIR                  where the files are restored\n"
    "  --vault VAULT              the vault holding the archives\n"
    "  --journal FILE             the journal (must exist; RETRIEVE_JOB records are added)\n"
    "  --max-number-of-files N    request at most N archives (required, as in mt-aws-glacier)\n"
    "  --tier Expedited|Standard|Bulk\n"
    "                             retrieval speed and price (default: the service's, Standard)\n"
    "  --sns-topic ARN            have the service notify this SNS topic when each job completes\n"
    "  --concurrency N            jobs started in parallel (1-30, default 4)\n"
    "  --filter RULES, --include PATTERN, --exclude PATTERN\n"
    "                             restore only the journal's files the rules keep (in order)\n"
    "  --dry-run                  print \"Will RETRIEVE archive ID (filename NAME)\" per archive and\n"
    "                             the totals; contact nothing, write nothing\n"
    "  --quiet                    no per-archive lines; errors and the totals stay\n"
    MTG_CONNECTION_HELP;

const std::string_view kRestoreCompletedUsage =
    "Usage: mtglacier restore-completed --dir DIR --vault VAULT --journal FILE [OPTION]...\n"
    "Download the journal's files that are missing under DIR from completed archive-retrieval\n"
    "jobs (the newest succeeded job of each archive). Every byte is checked: each request\n"
    "against the tree hash the service sends, the whole file against the journal's tree hash.\n"
    "Data goes to a temporary file next to the target, is fsynced, gets the journal's mtime\n"
    "(for an mtime NONE record, from an inventory of foreign archives: the archive's creation\n"
    "time) and is renamed into place; a download that fails verification is fetched again and\n"
    "never left at the final path. An interrupted run resumes: with --segment-size, segments\n"
    "already verified on disk are not fetched again. Prints \"Downloaded archive PATH\" per file\n"
    "(and \"Downloaded part of archive PATH at offset P, size N\" per segment), then a summary.\n"
    "  --dir DIR                  where the files are restored\n"
    "  --vault VAULT              the vault holding the archives\n"
    "  --journal FILE             the journal (must exist; not written)\n"
    "  --concurrency N            parallel requests, across and within files (1-30, default 4)\n"
    "  --segment-size MiB         fetch archives larger than this in ranged requests of this size\n"
    "                             (a power of two; default: one request per archive)\n"
    "  --wait                     also wait for the jobs restore started in the last 24 hours,\n"
    "                             polling (1 s, doubling to 5 min, for at most 48 h) and\n"
    "                             downloading each as it completes\n"
    "  --filter RULES, --include PATTERN, --exclude PATTERN\n"
    "                             restore only the journal's files the rules keep (in order)\n"
    "  --dry-run                  print \"Will DOWNLOAD (if available) archive ID (filename NAME)\"\n"
    "                             per file; contact nothing\n"
    "  --quiet                    no per-file lines or progress; errors and the totals stay\n"
    MTG_CONNECTION_HELP;

ExitCode RunRestore(Context& ctx) {
  ExitCode status = kExitOk;
  auto p = Prepare(ctx, kRestore, false, status);
  if (!p) return status;
  const uint64_t max_files = ParseNumber(p->options->Get("max-number-of-files"), 0);
  sync::MissingFiles missing = sync::FindMissingFiles(ctx.fs, p->dir, p->state);
  ReportRefused(ctx, kRestore, missing.refused);
  const int64_t now = SystemClock::Instance().NowUnix();
  sync::RetrievalPlan plan =
      sync::PlanRetrievals(missing.files, p->state.ActiveRetrievals(now), max_files);
  if (plan.recently_requested > 0) {
    ctx.out << "Skipping " << plan.recently_requested
            << " archive(s) already requested in the last 24 hours\n";
  }
  if (plan.archives.empty()) {
    ctx.out << "Nothing to restore\n";
  } else if (p->options->Flag("dry-run")) {
    for (const sync::RestoreCandidate& c : plan.archives) {
      ctx.out << "Will RETRIEVE archive " << c.archive_id << " (filename " << c.relfilename << ")\n";
    }
    ctx.out << "Will retrieve " << plan.archives.size() << " archive(s), " << plan.bytes << " bytes\n";
  } else {
    auto writer = journal::JournalWriter::Open(ctx.fs, p->journal_path);
    if (!writer) {
      PrintError(ctx, kRestore, writer.error().ToString());
      return ExitCodeFor(writer.error());
    }
    // A job whose RETRIEVE_JOB record cannot be written would be requested again tomorrow: make
    // sure the journal is writable before starting any.
    if (auto writable = ctx.fs.OpenAppend(p->journal_path); !writable) {
      PrintError(ctx, kRestore, writable.error().ToString());
      return ExitCodeFor(writable.error());
    }
    const size_t workers = std::min<size_t>(ParseNumber(p->options->Get("concurrency"), 4),
                                            plan.archives.size());
    auto connections = ConnectWorkers(*p->options, static_cast<unsigned>(std::max<size_t>(workers, 1)));
    if (!connections) {
      PrintError(ctx, kRestore, connections.error().ToString());
      return ExitCodeFor(connections.error());
    }
    sync::RetrievalOptions options{.tier = p->options->Get("tier").value_or(""),
                                   .sns_topic = p->options->Get("sns-topic").value_or("")};
    sync::RetrievalEvents events;
    events.started = [&](const sync::RestoreCandidate& c, const std::string& job) -> Result<void> {
      MTG_TRY_VOID((*writer)->AddRetrieveJob(SystemClock::Instance().NowUnix(), c.archive_id, job));
      if (!p->options->Flag("quiet")) ctx.out << "Retrieved Archive " << c.archive_id << '\n' << std::flush;
      return Ok();
    };
    events.failed = [&](const sync::RestoreCandidate& c, const Error& e) {
      PrintError(ctx, kRestore, "archive " + c.archive_id + " (filename " + c.relfilename + "): " + e.ToString());
    };
    sync::RetrievalTotals totals =
        sync::StartRetrievals(connections->clients, p->vault, plan.archives, options, events);
    if (auto closed = (*writer)->Close(); !closed) {
      PrintError(ctx, kRestore, closed.error().ToString());
      return kExitError;
    }
    ctx.out << "Retrieval jobs started for " << totals.started << " archive(s), " << totals.bytes
            << " bytes";
    if (totals.failed > 0) ctx.out << "; " << totals.failed << " failed";
    ctx.out << '\n';
    if (totals.failed > 0 || !missing.refused.empty()) {
      return ExitCodeForItems(totals.failed + missing.refused.size(),
                              plan.archives.size() + missing.refused.size());
    }
  }
  if (!missing.refused.empty()) return kExitPartial;
  ctx.out << "OK DONE\n";
  return kExitOk;
}

namespace {

// The archives restore requested in the last 24 hours, among the wanted ones.
std::unordered_set<std::string> RecentlyRequested(const journal::JournalState& state,
                                                  const std::unordered_map<std::string, uint64_t>& wanted) {
  std::unordered_set<std::string> recent;
  for (const std::string& id : state.ActiveRetrievals(SystemClock::Instance().NowUnix())) {
    if (wanted.contains(id)) recent.insert(id);
  }
  return recent;
}

constexpr int64_t kFirstPollMs = 1000;
constexpr int64_t kMaxPollMs = 5 * 60 * 1000;
constexpr int64_t kMaxWaitMs = 48LL * 3600 * 1000;

}  // namespace

ExitCode RunRestoreCompleted(Context& ctx) {
  ExitCode status = kExitOk;
  auto p = Prepare(ctx, kRestoreCompleted, true, status);
  if (!p) return status;
  sync::MissingFiles missing = sync::FindMissingFiles(ctx.fs, p->dir, p->state);
  ReportRefused(ctx, kRestoreCompleted, missing.refused);
  if (missing.files.empty()) {
    ctx.out << "Nothing to restore\n";
    if (!missing.refused.empty()) return kExitPartial;
    ctx.out << "OK DONE\n";
    return kExitOk;
  }
  if (p->options->Flag("dry-run")) {
    for (const sync::RestoreCandidate& c : missing.files) {
      ctx.out << "Will DOWNLOAD (if available) archive " << c.archive_id << " (filename "
              << c.relfilename << ")\n";
    }
    ctx.out << "OK DONE\n";
    return kExitOk;
  }
  const size_t workers = ParseNumber(p->options->Get("concurrency"), 4);
  auto connections = ConnectWorkers(*p->options, static_cast<unsigned>(workers + 1));  // the last one lists jobs
  if (!connections) {
    PrintError(ctx, kRestoreCompleted, connections.error().ToString());
    return ExitCodeFor(connections.error());
  }
  glacier::Client& lister = *connections->clients.back();
  connections->clients.pop_back();

  std::unordered_map<std::string, uint64_t> wanted;
  std::unordered_map<std::string, const sync::RestoreCandidate*> by_archive;
  for (const sync::RestoreCandidate& c : missing.files) {
    wanted.emplace(c.archive_id, c.size);
    by_archive.emplace(c.archive_id, &c);
  }
  std::mutex out_mu;
  // Log lines on stdout; on a terminal also a live progress line (files, bytes, rate, ETA).
  ConsoleObserver console(ctx, std::string(kRestoreCompleted), p->options->Flag("quiet"));
  uint64_t planned_bytes = 0;
  for (const sync::RestoreCandidate& c : missing.files) planned_bytes += c.size;
  console.Planned(missing.files.size(), planned_bytes, true);
  sync::DownloadEvents events;
  events.line = [&](const std::string& line) {
    std::lock_guard lock(out_mu);
    console.FileLine(line);
  };
  events.failed = [&](const sync::DownloadItem& item, const Error& e) {
    std::lock_guard lock(out_mu);
    console.ErrorLine("archive " + item.archive_id + " (filename " + item.relfilename + "): " + e.ToString());
  };
  events.bytes = [&](uint64_t n) { console.Bytes(n); };
  events.file_done = [&] { console.FileDone(); };
  sync::DownloadOptions options{.segment_size = ParseNumber(p->options->Get("segment-size"), 0) * sync::kMiB,
                                .max_fetches = 3};
  sync::Downloader downloader(ctx.fs, p->dir, p->vault, connections->clients, options, events);

  const bool wait = p->options->Flag("wait");
  std::unordered_set<std::string> pending = wait ? RecentlyRequested(p->state, wanted)
                                                 : std::unordered_set<std::string>{};
  std::unordered_set<std::string> queued;
  size_t wait_failures = 0;
  const int64_t started_ms = SystemClock::Instance().MonotonicMillis();
  for (int64_t poll_ms = kFirstPollMs;; poll_ms = std::min(poll_ms * 2, kMaxPollMs)) {
    sync::RetrievalJobMatcher matcher(wanted);
    std::unordered_set<std::string> in_progress;
    glacier::JobListFilter filter;
    if (!wait) filter.completed = true;
    do {
      auto page = lister.ListJobs(p->vault, filter);
      if (!page) {
        PrintError(ctx, kRestoreCompleted, page.error().ToString());
        (void)downloader.Wait();
        return ExitCodeFor(page.error());
      }
      for (const glacier::JobInfo& job : page->jobs) {
        matcher.Consider(job);
        if (job.action == "ArchiveRetrieval" && !job.completed) in_progress.insert(job.archive_id);
      }
      filter.marker = page->marker;
    } while (!filter.marker.empty());
    // In journal order, so output and progress are reproducible.
    for (const sync::RestoreCandidate& c : missing.files) {
      auto match = matcher.matches().find(c.archive_id);
      if (match == matcher.matches().end() || queued.contains(c.archive_id)) continue;
      queued.insert(c.archive_id);
      pending.erase(c.archive_id);
      downloader.Add({.archive_id = c.archive_id, .job_id = match->second.job_id,
                      .relfilename = c.relfilename, .size = c.size, .tree_hash = c.tree_hash,
                      .mtime = c.mtime});
    }
    for (auto it = pending.begin(); it != pending.end();) {
      if (in_progress.contains(*it)) {
        ++it;
        continue;
      }
      std::lock_guard lock(out_mu);
      PrintError(ctx, kRestoreCompleted, "archive " + *it + " (filename " + by_archive.at(*it)->relfilename +
                                             "): its retrieval job failed or expired; run restore again");
      ++wait_failures;
      it = pending.erase(it);
    }
    if (pending.empty()) break;
    if (SystemClock::Instance().MonotonicMillis() - started_ms > kMaxWaitMs) {
      std::lock_guard lock(out_mu);
      PrintError(ctx, kRestoreCompleted, "gave up waiting after 48 hours for " +
                                             std::to_string(pending.size()) + " retrieval job(s)");
      wait_failures += pending.size();
      break;
    }
    {
      std::lock_guard lock(out_mu);
      ctx.out << "Waiting for " << pending.size() << " retrieval job(s) to complete\n" << std::flush;
    }
    SystemClock::Instance().SleepMillis(poll_ms);
  }
  sync::DownloadTotals totals = downloader.Wait();
  const size_t unavailable = missing.files.size() - queued.size();
  ctx.out << "Downloaded " << totals.files_done << " archive(s), " << totals.bytes_fetched << " bytes fetched";
  if (totals.ranges_resumed > 0) ctx.out << ", " << totals.ranges_resumed << " verified segment(s) reused";
  if (totals.refetches > 0) ctx.out << ", " << totals.refetches << " refetch(es) after failed verification";
  if (totals.files_failed > 0) ctx.out << "; " << totals.files_failed << " failed";
  ctx.out << '\n';
  if (unavailable > 0) {
    ctx.out << unavailable << " missing file(s) have no completed retrieval job (run restore first)\n";
  }
  const size_t failed = totals.files_failed + wait_failures + missing.refused.size();
  if (failed > 0) {
    return ExitCodeForItems(failed, queued.size() + wait_failures + missing.refused.size());
  }
  ctx.out << "OK DONE\n";
  return kExitOk;
}

}  // namespace mtg::cli
