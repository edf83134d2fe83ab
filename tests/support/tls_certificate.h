// tls_certificate.h — a self-signed certificate for the TLS tests.
#ifndef SMARTERCITIES_TESTS_SUPPORT_TLS_CERTIFICATE_H_
#define SMARTERCITIES_TESTS_SUPPORT_TLS_CERTIFICATE_H_

#include <filesystem>

namespace smartercities::testing {

// Writes a fresh P-256 key and a certificate for 127.0.0.1 signed with it,
// both PEM. Throws std::runtime_error when OpenSSL fails.
void WriteSelfSignedCertificate(const std::filesystem::path& cert_file,
                                const std::filesystem::path& key_file);

}  // namespace smartercities::testing

#endif  // SMARTERCITIES_TESTS_SUPPORT_TLS_CERTIFICATE_H_
