// restore's executor: starts one archive-retrieval job per planned archive on a pool of
// workers (one Glacier client each) and reports each started job at once, so the caller can
// journal its RETRIEVE_JOB record before the next one starts (a crash then loses nothing that
// was requested, and the 24-hour rule keeps a re-run from requesting it again).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/result.h"
#include "glacier/client.h"
#include "sync/restore_plan.h"

namespace mtg::sync {

struct RetrievalOptions {
  std::string tier{};       // "" = the service's default (Standard)
  std::string sns_topic{};  // "" = none
};

struct RetrievalEvents {
  // The job started for `archive`; an error returned (e.g. the journal write failed) is
  // reported through `failed`. Called one at a time.
  std::function<Result<void>(const RestoreCandidate& archive, const std::string& job_id)> started;
  std::function<void(const RestoreCandidate& archive, const Error& error)> failed;
};

struct RetrievalTotals {
  size_t started = 0;
  size_t failed = 0;
  uint64_t bytes = 0;  // of the archives whose jobs started
};

RetrievalTotals StartRetrievals(const std::vector<glacier::Client*>& clients, const std::string& vault,
                                const std::vector<RestoreCandidate>& archives,
                                const RetrievalOptions& options, const RetrievalEvents& events);

}  // namespace mtg::sync
