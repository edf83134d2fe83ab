// shared_body.h — a Beast body over a shared, immutable string, so that an
// answer from the response cache is written without copying it. Internal to
// core/http.
//
// Thread-safety: the string is immutable; the message that holds it is used
// by one connection at a time.
#ifndef SMARTERCITIES_CORE_HTTP_SHARED_BODY_H_
#define SMARTERCITIES_CORE_HTTP_SHARED_BODY_H_

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

namespace smartercities::http {

struct SharedStringBody {
  // Null for no body.
  using value_type = std::shared_ptr<const std::string>;

  static std::uint64_t size(const value_type& body) {
    return body ? body->size() : 0;
  }

  class writer {
   public:
    using const_buffers_type = boost::asio::const_buffer;

    template <bool kIsRequest, class Fields>
    writer(const boost::beast::http::header<kIsRequest, Fields>&,
           const value_type& body)
        : body_(body) {}

    void init(boost::beast::error_code& ec) { ec = {}; }

    boost::optional<std::pair<const_buffers_type, bool>> get(
        boost::beast::error_code& ec) {
      ec = {};
      if (sent_ || !body_ || body_->empty()) return boost::none;
      sent_ = true;
      return std::make_pair(const_buffers_type(body_->data(), body_->size()),
                            false);
    }

   private:
    const value_type& body_;
    bool sent_ = false;
  };
};

}  // namespace smartercities::http

#endif  // SMARTERCITIES_CORE_HTTP_SHARED_BODY_H_
