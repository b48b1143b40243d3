"""A throw-away CA and server certificate, made with the `openssl` command line tool."""
import ipaddress
import os
import ssl
import subprocess
import tempfile


def _san(host):
    names = ["DNS:localhost", "IP:127.0.0.1", "IP:::1"]
    if host and host not in ("localhost", "127.0.0.1", "::1", "0.0.0.0", "::", ""):
        try:
            ipaddress.ip_address(host)
            names.append("IP:" + host)
        except ValueError:
            names.append("DNS:" + host)
    return ",".join(names)


def ensure_certificates(tls_dir, host="127.0.0.1"):
    """Create ca.pem, cert.pem, key.pem in tls_dir unless they exist. Returns their paths."""
    os.makedirs(tls_dir, exist_ok=True)
    ca, cert, key = (os.path.join(tls_dir, n) for n in ("ca.pem", "cert.pem", "key.pem"))
    if all(os.path.exists(p) for p in (ca, cert, key)):
        return ca, cert, key
    ca_key = os.path.join(tls_dir, "ca-key.pem")

    def run(*args):
        subprocess.run(["openssl"] + list(args), check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca,
        "-days", "3650", "-subj", "/CN=qcloud-sim test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    with tempfile.TemporaryDirectory() as tmp:
        csr = os.path.join(tmp, "cert.csr")
        ext = os.path.join(tmp, "ext.cnf")
        with open(ext, "w") as fh:
            fh.write("subjectAltName=%s\nbasicConstraints=CA:FALSE\n"
                     "keyUsage=critical,digitalSignature,keyEncipherment\n"
                     "extendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\n"
                     "authorityKeyIdentifier=keyid,issuer\n" % _san(host))
        run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
            "-subj", "/CN=localhost")
        run("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
            "-out", cert, "-days", "825", "-sha256", "-extfile", ext)
    os.chmod(key, 0o600)
    return ca, cert, key


def server_context(tls_dir, host="127.0.0.1"):
    dummy, cert, key = ensure_certificates(tls_dir, host)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx
