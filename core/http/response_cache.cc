#include "core/http/response_cache.h"

#include <sodium.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/http/header_text.h"

namespace smartercities::http {
namespace {

// Bodies smaller than this are sent as they are: gzip would save less than
// it costs.
constexpr std::size_t kMinGzipBytes = 1024;
// Bodies from this size on are also kept in a file for sendfile(2): below
// it, one write from memory costs less than a write and a sendfile.
constexpr std::size_t kMinFileBytes = 64 * 1024;

std::string HashHex(std::string_view bytes) {
  unsigned char hash[16];
  crypto_generichash(hash, sizeof(hash),
                     reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size(), nullptr, 0);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(sizeof(hash) * 2);
  for (unsigned char byte : hash) {
    out += kHex[byte >> 4];
    out += kHex[byte & 0xf];
  }
  return out;
}

// The gzip form of bytes; empty when zlib fails (then the body is sent as
// it is).
std::string Gzip(std::string_view bytes) {
  z_stream stream{};
  // 15 window bits plus 16: a gzip header and trailer rather than zlib's.
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  std::string out(deflateBound(&stream, bytes.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int result = deflate(&stream, Z_FINISH);
  std::size_t written = stream.total_out;
  deflateEnd(&stream);
  if (result != Z_STREAM_END) return {};
  out.resize(written);
  return out;
}

// Whether an If-None-Match list names etag (weak comparison, RFC 9110
// 13.1.2) or is "*".
bool NamesEtag(std::string_view list, std::string_view etag) {
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    std::string_view item = Trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? "" : list.substr(comma + 1);
    if (item == "*") return true;
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == etag) return true;
  }
  return false;
}

// Whether Accept-Encoding allows gzip: named (or "*") without q=0.
bool AcceptsGzip(std::string_view header) {
  bool accepted = false;
  while (!header.empty()) {
    std::size_t comma = header.find(',');
    std::string_view item = Trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? "" : header.substr(comma + 1);
    std::size_t semicolon = item.find(';');
    std::string_view coding = Trim(item.substr(0, semicolon));
    double quality = 1.0;
    if (semicolon != std::string_view::npos) {
      std::string_view parameter = Trim(item.substr(semicolon + 1));
      if (parameter.size() > 2 &&
          (parameter[0] == 'q' || parameter[0] == 'Q') && parameter[1] == '=') {
        std::string_view number = parameter.substr(2);
        auto [end, error] = std::from_chars(
            number.data(), number.data() + number.size(), quality);
        if (error != std::errc()) quality = 1.0;
      }
    }
    if (EqualsIgnoreCase(coding, "gzip")) return quality > 0;
    if (coding == "*") accepted = quality > 0;
  }
  return accepted;
}

}  // namespace

CachedResponse::CachedResponse(Response response, std::uint64_t generation)
    : status_(response.status),
      headers_(std::move(response.headers)),
      generation_(generation) {
  std::string hash = HashHex(response.body);
  etag_ = "\"" + hash + "\"";
  gzip_etag_ = "\"" + hash + "-gzip\"";
  body_ = std::make_shared<const std::string>(std::move(response.body));
  if (body_->size() >= kMinFileBytes) body_file_ = BodyFile::Make(*body_);
}

bool CachedResponse::compressible() const {
  return body_->size() >= kMinGzipBytes;
}

const std::shared_ptr<const std::string>& CachedResponse::gzip_body() const {
  std::call_once(gzip_once_, [this] {
    std::string compressed = Gzip(*body_);
    if (!compressed.empty() && compressed.size() < body_->size()) {
      gzip_body_ = std::make_shared<const std::string>(std::move(compressed));
    }
  });
  return gzip_body_;
}

ResponseCache::ResponseCache(std::function<std::uint64_t()> generation,
                             std::size_t max_bytes)
    : generation_(std::move(generation)),
      max_bytes_per_shard_(std::max<std::size_t>(max_bytes / kShards, 1)) {}

std::uint64_t ResponseCache::Generation() const {
  // Both only grow, so their sum changes whenever either does.
  return generation_() + epoch_.load(std::memory_order_acquire);
}

ResponseCache::Shard& ResponseCache::ShardFor(std::string_view key) const {
  return shards_[std::hash<std::string_view>{}(key) % kShards];
}

std::shared_ptr<const CachedResponse> ResponseCache::Find(
    std::string_view key) const {
  std::uint64_t now = Generation();
  const Shard& shard = ShardFor(key);
  std::shared_lock lock(shard.mutex);
  auto it = shard.entries.find(std::string(key));
  if (it == shard.entries.end() || it->second->generation() != now) {
    return nullptr;
  }
  return it->second;
}

std::shared_ptr<const CachedResponse> ResponseCache::Store(
    std::string key, std::uint64_t generation, Response response) {
  if (response.status != 200) return nullptr;
  auto entry =
      std::make_shared<const CachedResponse>(std::move(response), generation);
  // The data changed while the handler ran: answer with it, keep nothing.
  if (Generation() != generation) return entry;
  Shard& shard = ShardFor(key);
  std::unique_lock lock(shard.mutex);
  // Entries of older generations can never be served again; the budget is
  // kept by dropping them all first, and everything when that is not
  // enough.
  if (shard.bytes + entry->cost_bytes() > max_bytes_per_shard_) {
    std::erase_if(shard.entries, [&](const auto& item) {
      return item.second->generation() != generation;
    });
    shard.bytes = 0;
    for (const auto& [stored_key, stored] : shard.entries) {
      shard.bytes += stored->cost_bytes();
    }
    if (shard.bytes + entry->cost_bytes() > max_bytes_per_shard_) {
      shard.entries.clear();
      shard.bytes = 0;
    }
  }
  if (entry->cost_bytes() > max_bytes_per_shard_) return entry;
  auto [it, inserted] = shard.entries.insert_or_assign(std::move(key), entry);
  if (inserted) shard.bytes += entry->cost_bytes();
  return entry;
}

void ResponseCache::Invalidate() {
  epoch_.fetch_add(1, std::memory_order_acq_rel);
}

CachedAnswer AnswerFromCache(const CachedResponse& entry,
                             std::string_view if_none_match,
                             std::string_view accept_encoding) {
  CachedAnswer answer;
  answer.status = entry.status();
  answer.headers = entry.headers();
  // Caches may keep public data but must ask again before each use; the
  // ETag makes asking cheap (304).
  answer.headers.emplace_back("Cache-Control", "public, no-cache");
  bool gzip = entry.compressible() && AcceptsGzip(accept_encoding) &&
              entry.gzip_body() != nullptr;
  if (entry.compressible())
    answer.headers.emplace_back("Vary", "Accept-Encoding");
  const std::string& etag = gzip ? entry.gzip_etag() : entry.etag();
  answer.headers.emplace_back("ETag", etag);
  if (!if_none_match.empty() && NamesEtag(if_none_match, etag)) {
    answer.status = 304;
    return answer;
  }
  if (gzip) {
    answer.headers.emplace_back("Content-Encoding", "gzip");
    answer.body = entry.gzip_body();
  } else {
    answer.body = entry.body();
    answer.body_file = entry.body_file();
  }
  return answer;
}

}  // namespace smartercities::http
