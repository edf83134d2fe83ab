#include "core/http/chunked_decoder.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace smartercities::http {
namespace {

bool IsTokenChar(char c) {
  static constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z') || kSymbols.find(c) != std::string_view::npos;
}

bool IsWhitespace(char c) { return c == ' ' || c == '\t'; }

// HTAB, SP, visible ASCII and obs-text: what a field value or a quoted
// pair may hold.
bool IsValueChar(char c) {
  auto byte = static_cast<unsigned char>(c);
  return c == '\t' || (byte >= 0x20 && byte != 0x7f);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
// with chunk-ext-val = token / quoted-string.
bool AreExtensions(std::string_view text) {
  std::size_t i = 0;
  auto skip_whitespace = [&] {
    while (i < text.size() && IsWhitespace(text[i])) ++i;
  };
  auto skip_token = [&] {
    std::size_t start = i;
    while (i < text.size() && IsTokenChar(text[i])) ++i;
    return i > start;
  };
  while (i < text.size()) {
    skip_whitespace();
    if (i == text.size() || text[i] != ';') return false;
    ++i;
    skip_whitespace();
    if (!skip_token()) return false;
    std::size_t after_name = i;
    skip_whitespace();
    if (i == text.size() || text[i] != '=') {
      i = after_name;
      continue;
    }
    ++i;
    skip_whitespace();
    if (i < text.size() && text[i] == '"') {
      ++i;
      for (;;) {
        if (i == text.size()) return false;
        char c = text[i++];
        if (c == '"') break;
        if (c == '\\') {
          if (i == text.size() || !IsValueChar(text[i])) return false;
          ++i;
        } else if (!IsValueChar(c)) {
          return false;
        }
      }
    } else if (!skip_token()) {
      return false;
    }
  }
  return true;
}

// A trailer field without its CRLF: token ":" value, on one line.
bool IsFieldLine(std::string_view line) {
  std::size_t colon = line.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  std::string_view name = line.substr(0, colon);
  std::string_view value = line.substr(colon + 1);
  return std::all_of(name.begin(), name.end(), IsTokenChar) &&
         std::all_of(value.begin(), value.end(), IsValueChar);
}

}  // namespace

ChunkedDecoder::Result ChunkedDecoder::Feed(std::string_view input,
                                            std::size_t& consumed,
                                            std::string& body) {
  consumed = 0;
  for (;;) {
    std::string_view rest = input.substr(consumed);
    switch (state_) {
      case State::kSizeLine:
      case State::kTrailer: {
        bool is_trailer = state_ == State::kTrailer;
        std::size_t limit = is_trailer ? trailer_limit_bytes_ - trailer_bytes_
                                       : kLineLimitBytes;
        std::size_t end = rest.find_first_of("\r\n");
        if ((end == std::string_view::npos ? rest.size() : end) > limit) {
          return Malformed(
              is_trailer ? "the trailer section is larger than " +
                               std::to_string(trailer_limit_bytes_) + " bytes"
                         : "a chunk line (size and extensions) is longer "
                           "than " +
                               std::to_string(kLineLimitBytes) + " bytes");
        }
        if (end == std::string_view::npos) return Result::kNeedMore;
        if (rest[end] == '\n') {
          return Malformed(
              "chunked framing lines must end in CRLF, not a bare LF");
        }
        if (end + 1 == rest.size()) return Result::kNeedMore;
        if (rest[end + 1] != '\n') {
          return Malformed("a CR in chunked framing must be followed by LF");
        }
        std::string_view line = rest.substr(0, end);
        consumed += end + 2;
        if (!is_trailer) {
          Result result = ParseSizeLine(line);
          if (result != Result::kNeedMore) return result;
          break;
        }
        trailer_bytes_ += end + 2;
        if (line.empty()) {
          state_ = State::kDone;
          return Result::kDone;
        }
        if (!IsFieldLine(line)) {
          return Malformed(
              "a trailer field must be 'name: value' on a single line");
        }
        break;
      }
      case State::kData: {
        if (rest.empty()) return Result::kNeedMore;
        std::size_t take = static_cast<std::size_t>(
            std::min<std::uint64_t>(chunk_left_bytes_, rest.size()));
        body.append(rest.data(), take);
        consumed += take;
        chunk_left_bytes_ -= take;
        if (chunk_left_bytes_ == 0) state_ = State::kDataEnd;
        break;
      }
      case State::kDataEnd: {
        bool complete = rest.size() >= 2;
        if ((!rest.empty() && rest[0] != '\r') ||
            (complete && rest[1] != '\n')) {
          return Malformed(
              "chunk data must be followed by CRLF; check the chunk size");
        }
        if (!complete) return Result::kNeedMore;
        consumed += 2;
        state_ = State::kSizeLine;
        break;
      }
      case State::kDone:
        return Result::kDone;
    }
  }
}

ChunkedDecoder::Result ChunkedDecoder::Malformed(std::string problem) {
  problem_ = std::move(problem);
  return Result::kMalformed;
}

// Returns kNeedMore to go on with the next state, anything else to stop.
ChunkedDecoder::Result ChunkedDecoder::ParseSizeLine(std::string_view line) {
  std::uint64_t size = 0;
  std::size_t digits = 0;
  for (; digits < line.size(); ++digits) {
    int value = HexValue(line[digits]);
    if (value < 0) break;
    if (size > std::numeric_limits<std::uint64_t>::max() >> 4) {
      return Malformed("the chunk size does not fit in 64 bits");
    }
    size = size * 16 + static_cast<std::uint64_t>(value);
  }
  if (digits == 0) {
    return Malformed("a chunk must start with its size in hexadecimal digits");
  }
  std::string_view extensions = line.substr(digits);
  if (!extensions.empty()) {
    extension_bytes_ += extensions.size();
    if (extension_bytes_ > kExtensionBudgetBytes) {
      return Malformed("chunk extensions may take at most " +
                       std::to_string(kExtensionBudgetBytes) +
                       " bytes per request");
    }
    if (!AreExtensions(extensions)) {
      return Malformed(
          "a chunk size must be followed by CRLF or by extensions "
          "';name' or ';name=value'");
    }
  }
  if (size == 0) {
    state_ = State::kTrailer;
    return Result::kNeedMore;
  }
  if (size > body_limit_bytes_ - body_bytes_) return Result::kTooLarge;
  body_bytes_ += static_cast<std::size_t>(size);
  chunk_left_bytes_ = size;
  state_ = State::kData;
  return Result::kNeedMore;
}

}  // namespace smartercities::http
