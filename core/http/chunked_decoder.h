// chunked_decoder.h — a strict decoder of chunked request bodies (RFC 9112
// section 7.1). Internal to core/http.
//
// The server decodes chunked bodies itself instead of leaving them to Beast
// 1.74, which reads a chunk extension's quoted string past the end of its
// line (waiting for bytes that never come) and merges trailer fields into
// the request's headers. This decoder refuses anything but the grammar:
// 1*HEXDIG sizes that fit in 64 bits, well-formed extensions of bounded
// size, CRLF line endings, chunk data followed by CRLF, and trailer fields
// without obsolete line folding. Extensions and trailers are checked and
// then dropped.
//
// Thread-safety: none; one decoder per request. Plain value.
#ifndef SMARTERCITIES_CORE_HTTP_CHUNKED_DECODER_H_
#define SMARTERCITIES_CORE_HTTP_CHUNKED_DECODER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace smartercities::http {

class ChunkedDecoder {
 public:
  enum class Result {
    kNeedMore,   // all input consumed that can be; send more
    kDone,       // the body ended; what follows belongs to the next request
    kMalformed,  // see problem()
    kTooLarge,   // the data exceeds body_limit_bytes
  };

  // body_limit_bytes bounds the decoded data; trailer_limit_bytes the
  // trailer section.
  ChunkedDecoder(std::size_t body_limit_bytes, std::size_t trailer_limit_bytes)
      : body_limit_bytes_(body_limit_bytes),
        trailer_limit_bytes_(trailer_limit_bytes) {}

  // Decodes from input, appending chunk data to body. consumed is set to how
  // many bytes of input were used; the caller drops those and calls again
  // with the rest plus new bytes while the result is kNeedMore.
  Result Feed(std::string_view input, std::size_t& consumed, std::string& body);

  // What was wrong, for the client, after kMalformed.
  const std::string& problem() const { return problem_; }

  // Longest chunk line (size and extensions) and the most extension bytes
  // of one body.
  static constexpr std::size_t kLineLimitBytes = 1024;
  static constexpr std::size_t kExtensionBudgetBytes = 4096;

 private:
  enum class State { kSizeLine, kData, kDataEnd, kTrailer, kDone };

  Result Malformed(std::string problem);
  // Parses one chunk line without its CRLF.
  Result ParseSizeLine(std::string_view line);

  const std::size_t body_limit_bytes_;
  const std::size_t trailer_limit_bytes_;
  State state_ = State::kSizeLine;
  std::uint64_t chunk_left_bytes_ = 0;
  std::size_t body_bytes_ = 0;
  std::size_t extension_bytes_ = 0;
  std::size_t trailer_bytes_ = 0;
  std::string problem_;
};

}  // namespace smartercities::http

#endif  // SMARTERCITIES_CORE_HTTP_CHUNKED_DECODER_H_
