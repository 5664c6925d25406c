// Logging for every module, with secret redaction built in: any registered secret (secret key,
// session token) and any credential-shaped text (Authorization headers, SigV4 signatures,
// presigned-URL tokens, "secret=" config lines) is replaced by "***" before a sink sees it.
// Only src/cli installs a terminal sink; libraries just call Log().
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace mtg {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3, kOff = 4 };

using LogSink = std::function<void(LogLevel, std::string_view)>;

// Installs the sink (nullptr: discard) and the minimum level. Thread-safe.
void SetLogSink(LogSink sink, LogLevel min_level = LogLevel::kInfo);
LogLevel MinLogLevel();

// Registers a string that must never be logged verbatim (≥ 4 characters; shorter ones are
// ignored, they would redact ordinary words). Thread-safe.
void RegisterSecret(std::string_view secret);
void ClearSecretsForTesting();

// Returns text with every registered secret and credential-shaped substring replaced by "***".
std::string Redact(std::string_view text);

// Redacts and sends one message to the sink if level >= the minimum.
void Log(LogLevel level, std::string_view message);

inline void LogDebug(std::string_view m) { Log(LogLevel::kDebug, m); }
inline void LogInfo(std::string_view m) { Log(LogLevel::kInfo, m); }
inline void LogWarning(std::string_view m) { Log(LogLevel::kWarning, m); }
inline void LogError(std::string_view m) { Log(LogLevel::kError, m); }

}  // namespace mtg
