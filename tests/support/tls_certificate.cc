#include "tests/support/tls_certificate.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace smartercities::testing {

void WriteSelfSignedCertificate(const std::filesystem::path& cert_file,
                                const std::filesystem::path& key_file,
                                KeyType type) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      type == KeyType::kRsa2048
          ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048})
          : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"),
      &EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), &X509_free);
  if (!key || !cert) throw std::runtime_error("cannot make a test key");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(
      name, "CN", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (const auto& [nid, value] :
       {std::pair{NID_subject_alt_name, "IP:127.0.0.1"},
        std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* extension =
        X509V3_EXT_conf_nid(nullptr, &context, nid, value);
    if (extension == nullptr) throw std::runtime_error("bad test extension");
    X509_add_ext(cert.get(), extension, -1);
    X509_EXTENSION_free(extension);
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    throw std::runtime_error("cannot sign the test certificate");
  }
  FILE* key_out = std::fopen(key_file.c_str(), "w");
  FILE* cert_out = std::fopen(cert_file.c_str(), "w");
  if (key_out == nullptr || cert_out == nullptr) {
    throw std::runtime_error("cannot write the test certificate");
  }
  PEM_write_PrivateKey(key_out, key.get(), nullptr, nullptr, 0, nullptr,
                       nullptr);
  PEM_write_X509(cert_out, cert.get());
  std::fclose(key_out);
  std::fclose(cert_out);
}

}  // namespace smartercities::testing
