// Retrieval jobs: initiate-job (archive-retrieval, inventory-retrieval), describe-job,
// list-jobs and get-job-output, registered on the server's Router.
//
// Time model. A job is due at created + delay (per tier, --job-delay) and completes lazily: the
// first request that looks at it at or after that time (describe, list, output) finishes it,
// with CompletionDate = the due time, so the outcome never depends on when someone asked.
// An inventory lists the archives that existed at the due time (Catalog::ForEachArchiveAsOf);
// it is streamed to jobs/<job id> in the store. An archive retrieval hard-links the archive's
// file to jobs/<job id> when initiated, so deleting the archive later does not take the
// staged copy with it. Output is gone (404 ResourceNotFoundException) 24 h after completion.
//
// The job clock is the server's clock (context.clock) plus an offset that only moves forward.
// It drives job due times and expiry and nothing else, so SigV4 dates are still checked
// against real time while a test jumps a day ahead:
//   --clock-offset DURATION  start with the job clock this far ahead (e.g. 25h)
//   --test-clock             adds POST /{account}/mtglacier-test/clock?advance=DURATION
//                            (a normal signed request; answers {"Now":..,"OffsetMs":..}) and
//                            GET on the same path; without the flag the route does not exist.
// In-process tests can instead give the server a ManualClock.
//
// Wiring (server.cc): RegisterJobRoutes(router, context, job_options) after the other routes,
// with delays from ParseJobDelays(--job-delay) (or JobDelays::Uniform(options.job_delay_ms)).
#pragma once

#include "context.h"
#include "jobs_format.h"
#include "router.h"

namespace mtg::server {

struct JobOptions {
  JobDelays delays;
  int64_t clock_offset_ms = 0;  // --clock-offset
  bool test_clock = false;      // --test-clock
};

void RegisterJobRoutes(Router& router, ServiceContext& context, const JobOptions& options);
// Same, with every tier delayed by context.options.job_delay_ms and no clock offset.
void RegisterJobRoutes(Router& router, ServiceContext& context);

}  // namespace mtg::server
