// response_cache.h — public answers rendered once per change of the data
// and served from memory until the next change.
//
// A route marked cacheable (a public GET whose answer is the same for every
// caller and depends only on the stored data) is answered from here on the
// connection's own thread when an entry exists for its target at the
// current generation; otherwise its handler runs as usual and a 200 answer
// is stored. The generation is read before the handler runs and comes from
// the owner (the database's change counter plus the platform's own
// changes, such as a module switched): an answer computed from older data
// is never stored under a newer generation, so a read after an
// acknowledged write never sees what was there before it.
//
// Each entry carries a strong ETag (a hash of the body) and, made on the
// first request that accepts it, a gzip copy of its body with an ETag of its
// own.
//
// Thread-safety: all methods may be called from any thread. Lookups take a
// shared lock of one of several shards, never a lock of the whole cache.
// Ownership: entries are shared; one handed out stays valid after eviction.
#ifndef SMARTERCITIES_CORE_HTTP_RESPONSE_CACHE_H_
#define SMARTERCITIES_CORE_HTTP_RESPONSE_CACHE_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/http/body_file.h"
#include "core/http/message.h"

namespace smartercities::http {

// One stored answer. Immutable once stored, except for the gzip copy,
// which is made once, on demand.
class CachedResponse {
 public:
  CachedResponse(Response response, std::uint64_t generation);

  int status() const { return status_; }
  const Pairs& headers() const { return headers_; }
  const std::shared_ptr<const std::string>& body() const { return body_; }
  // "\"<hash>\"": the identity body's strong ETag.
  const std::string& etag() const { return etag_; }
  std::uint64_t generation() const { return generation_; }
  // A large body is also kept in an in-memory file, sent with sendfile(2)
  // on plain TCP; null for a small body or when no file could be made.
  const std::shared_ptr<const BodyFile>& body_file() const {
    return body_file_;
  }
  std::size_t cost_bytes() const {
    return body_->size() * (body_file_ ? 3 : 2) + 256;
  }

  // Whether gzip could pay off (the body is large enough).
  bool compressible() const;
  // The gzip copy and its ETag; made on the first call.
  const std::shared_ptr<const std::string>& gzip_body() const;
  const std::string& gzip_etag() const { return gzip_etag_; }

 private:
  int status_;
  Pairs headers_;
  std::shared_ptr<const std::string> body_;
  std::shared_ptr<const BodyFile> body_file_;
  std::string etag_;
  std::string gzip_etag_;
  std::uint64_t generation_;
  mutable std::once_flag gzip_once_;
  mutable std::shared_ptr<const std::string> gzip_body_;
};

class ResponseCache {
 public:
  // generation: the data's current change counter. max_bytes bounds what
  // the entries hold together (bodies and their gzip copies).
  ResponseCache(std::function<std::uint64_t()> generation,
                std::size_t max_bytes = 64 * 1024 * 1024);

  // The generation now; read it before running a handler whose answer will
  // be stored.
  std::uint64_t Generation() const;

  // The entry for key stored at the current generation, or null.
  std::shared_ptr<const CachedResponse> Find(std::string_view key) const;

  // Stores a 200 response for key, computed from data of `generation`, and
  // returns the entry to answer with. Returns null (and stores nothing)
  // for another status, or when the data changed since `generation`.
  std::shared_ptr<const CachedResponse> Store(std::string key,
                                              std::uint64_t generation,
                                              Response response);

  // Makes every entry stale: for changes the database does not see (a
  // module switched on or off, a circuit breaker's state).
  void Invalidate();

 private:
  static constexpr std::size_t kShards = 16;
  struct Shard {
    mutable std::shared_mutex mutex;
    std::unordered_map<std::string, std::shared_ptr<const CachedResponse>>
        entries;
    std::size_t bytes = 0;
  };
  Shard& ShardFor(std::string_view key) const;

  std::function<std::uint64_t()> generation_;
  std::atomic<std::uint64_t> epoch_{0};
  std::size_t max_bytes_per_shard_;
  mutable std::array<Shard, kShards> shards_;
};

// An answer from the cache for a request: 304 when If-None-Match names its
// ETag, the gzip copy when the client accepts gzip and it pays, otherwise
// the body as stored. The ETag, Cache-Control and Vary headers are added.
struct CachedAnswer {
  int status = 200;
  Pairs headers;
  std::shared_ptr<const std::string> body;  // null for 304
  // The same bytes as body in a file, when the entry has one and the body
  // is the stored one (not gzip).
  std::shared_ptr<const BodyFile> body_file;
};
CachedAnswer AnswerFromCache(const CachedResponse& entry,
                             std::string_view if_none_match,
                             std::string_view accept_encoding);

}  // namespace smartercities::http

#endif  // SMARTERCITIES_CORE_HTTP_RESPONSE_CACHE_H_
