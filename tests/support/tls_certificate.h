// tls_certificate.h — a self-signed certificate for the TLS tests.
#ifndef SMARTERCITIES_TESTS_SUPPORT_TLS_CERTIFICATE_H_
#define SMARTERCITIES_TESTS_SUPPORT_TLS_CERTIFICATE_H_

#include <filesystem>

namespace smartercities::testing {

enum class KeyType { kEcdsaP256, kRsa2048 };

// Writes a fresh key (P-256, or RSA for the suites that need one) and a
// certificate for 127.0.0.1 signed with it, both PEM. Throws
// std::runtime_error when OpenSSL fails.
void WriteSelfSignedCertificate(const std::filesystem::path& cert_file,
                                const std::filesystem::path& key_file,
                                KeyType type = KeyType::kEcdsaP256);

}  // namespace smartercities::testing

#endif  // SMARTERCITIES_TESTS_SUPPORT_TLS_CERTIFICATE_H_
