#include "server.h"

#include <set>

#include "base/log.h"
#include "handlers.h"
#include "jobs.h"

namespace mtg::server {

Result<RecoveryReport> RecoverStore(Catalog& catalog, BlobStore& blobs) {
  RecoveryReport report;
  {
    auto temps = blobs.ClearTemp();
    if (!temps) return std::unexpected(temps.error());
  }
  auto uploads = catalog.AllUploads();
  if (!uploads) return std::unexpected(uploads.error());
  std::set<std::string> live_uploads;
  for (const UploadRecord& u : *uploads) {
    if (u.completed) continue;
    if (!u.archive_id.empty()) {
      if (blobs.ArchiveExists(u.archive_id)) {
        // The bytes were moved into place: the complete had verified them, so finish it.
        ArchiveRecord a;
        a.id = u.archive_id;
        a.vault_id = u.vault_id;
        a.description = u.description;
        a.size = u.archive_size;
        a.tree_hash = u.archive_tree_hash;
        a.created_ms = u.created_ms;
        MTG_TRY_VOID(catalog.FinishComplete(u.id, a));
        ++report.completes_finished;
        continue;
      }
      MTG_TRY_VOID(catalog.CancelComplete(u.id));
      ++report.completes_undone;
    }
    if (!blobs.UploadExists(u.id)) {
      MTG_TRY_VOID(catalog.DeleteUpload(u.id));
      ++report.uploads_dropped;
      continue;
    }
    live_uploads.insert(u.id);
  }
  auto upload_files = blobs.ListUploadIds();
  if (!upload_files) return std::unexpected(upload_files.error());
  for (const std::string& id : *upload_files) {
    if (live_uploads.count(id)) continue;
    blobs.RemoveFile(blobs.UploadPath(id));
    ++report.orphan_upload_files_removed;
  }
  auto archive_files = blobs.ListArchiveIds();
  if (!archive_files) return std::unexpected(archive_files.error());
  for (const std::string& id : *archive_files) {
    // A blob is kept only for a live archive row: not yet inserted (crash before the insert,
    // the client never got an answer) or already deleted (crash before the unlink) both go.
    auto known = catalog.ArchiveIdKnown(id);
    if (!known) return std::unexpected(known.error());
    bool live = false;
    if (*known) {
      auto record = catalog.FindArchiveAnyVault(id);
      if (!record) return std::unexpected(record.error());
      live = record->has_value() && !(*record)->deleted_ms;
    }
    if (live) continue;
    MTG_TRY_VOID(blobs.RemoveArchive(id));
    ++report.orphan_blobs_removed;
  }
  return report;
}

Result<std::unique_ptr<GlacierServer>> GlacierServer::Create(const ServerOptions& options, Clock& clock) {
  if (options.store_dir.empty()) return Fail(ErrorCode::kInvalidArgument, "--store DIR is required");
  if (options.credentials.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "at least one account is required (--access-key/--secret-key or --credentials)");
  }
  std::unique_ptr<GlacierServer> s(new GlacierServer());
  s->options_ = options;
  auto blobs = BlobStore::Open(options.store_dir);
  if (!blobs) return std::unexpected(blobs.error());
  s->blobs_ = std::move(*blobs);
  auto catalog = Catalog::Open(s->blobs_->CatalogPath());
  if (!catalog) return std::unexpected(catalog.error());
  s->catalog_ = std::move(*catalog);
  auto recovered = RecoverStore(*s->catalog_, *s->blobs_);
  if (!recovered) return std::unexpected(recovered.error().WithContext("recovering the store"));
  s->recovery_ = *recovered;

  s->ids_ = std::make_unique<IdGenerator>(options.id_seed);
  s->context_ = std::unique_ptr<ServiceContext>(
      new ServiceContext{s->options_, *s->catalog_, *s->blobs_, clock, *s->ids_});
  int64_t now_ms = s->context_->NowMs();
  for (const auto& [access, secret] : options.credentials) {
    s->auth_.AddCredentials(access, secret);
    MTG_TRY_VOID(s->catalog_->RecordAccount(Authenticator::AccountIdFor(access), access, now_ms));
  }
  if (!options.faults.empty()) {
    auto rules = ParseFaultSpec(options.faults);
    if (!rules) return std::unexpected(rules.error().WithContext("--faults"));
    s->faults_ = std::make_unique<FaultInjector>(std::move(*rules), options.fault_seed);
  }

  RegisterVaultRoutes(s->router_, *s->context_);
  RegisterArchiveRoutes(s->router_, *s->context_);
  RegisterMultipartRoutes(s->router_, *s->context_);
  JobOptions job_options;
  auto delays = ParseJobDelays(options.job_delay);
  if (!delays) return std::unexpected(delays.error().WithContext("--job-delay"));
  job_options.delays = *delays;
  job_options.clock_offset_ms = options.clock_offset_ms;
  job_options.test_clock = options.test_clock;
  RegisterJobRoutes(s->router_, *s->context_, job_options);

  s->service_ = std::make_unique<Service>(*s->context_, s->router_, s->auth_, s->faults_.get());
  if (!options.access_log.empty()) {
    auto log = AccessLog::Open(options.access_log);
    if (!log) return std::unexpected(log.error().WithContext("--access-log"));
    s->access_log_ = std::move(*log);
    AccessLog* access_log = s->access_log_.get();
    s->service_->AddObserver([access_log](const Request& req, const Response& res, int64_t arrival_ms,
                                          int64_t duration_us) {
      AccessRecord record;
      record.unix_ms = arrival_ms;
      auto segments = Router::Segments(req.raw_path);
      if (segments && !segments->empty()) record.account = segments->front();
      record.access_key = req.access_key;
      record.method = req.method;
      record.target = req.target;
      record.status = res.status;
      record.bytes_in = req.body_bytes_read();
      record.bytes_out = res.BodyLength();
      record.duration_us = duration_us;
      record.operation = req.operation;
      access_log->Write(record);
    });
  }
  HttpServerOptions http_options;
  http_options.threads = options.threads;
  Service* service = s->service_.get();
  s->http_ = std::make_unique<HttpServer>(
      [service](Request& req, Response& res) { service->Handle(req, res); }, http_options);
  return s;
}

GlacierServer::~GlacierServer() {
  if (http_) http_->Stop();
}

Result<int> GlacierServer::Bind() { return http_->Bind(options_.listen_host, options_.listen_port); }

void GlacierServer::Run() { http_->Run(); }

void GlacierServer::Stop() { http_->Stop(); }

}  // namespace mtg::server
