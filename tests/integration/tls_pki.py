"""A throw-away PKI for the TLS tests, made with the `openssl` command in a directory the caller
owns (a TemporaryDirectory): a CA, server certificates for DNS names (expired ones too, dated in
the past by `openssl ca`), and OCSP responses signed by the CA.

    pki = Pki(directory)
    a = pki.issue("a.test")                   # a.cert, a.key: PEM files
    old = pki.issue("old.test", expired=True)
    der = pki.ocsp(a)                         # a DER OCSP response saying "good"
"""
import os
import subprocess
from dataclasses import dataclass

OPENSSL = os.environ.get("OPENSSL", "openssl")


@dataclass
class Issued:
    name: str
    cert: str
    key: str


def openssl(*args, cwd=None, input=None):
    """Runs the openssl command; raises with its output when it fails."""
    p = subprocess.run([OPENSSL, *args], cwd=cwd, input=input, capture_output=True, timeout=60,
                       stdin=None if input is not None else subprocess.DEVNULL)
    if p.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} failed ({p.returncode}):\n"
                           f"{p.stdout.decode(errors='replace')}{p.stderr.decode(errors='replace')}")
    return p.stdout


class Pki:
    def __init__(self, directory):
        self.dir = os.path.join(directory, "pki")
        os.makedirs(os.path.join(self.dir, "issued"), exist_ok=True)
        self.ca_cert = os.path.join(self.dir, "ca.pem")
        self.ca_key = os.path.join(self.dir, "ca.key")
        open(os.path.join(self.dir, "index.txt"), "w").close()
        with open(os.path.join(self.dir, "serial"), "w") as f:
            f.write("1000\n")
        self.config = os.path.join(self.dir, "ca.cnf")
        with open(self.config, "w") as f:
            f.write(f"""\
[ca]
default_ca = test_ca
[test_ca]
dir = {self.dir}
database = $dir/index.txt
new_certs_dir = $dir/issued
serial = $dir/serial
certificate = {self.ca_cert}
private_key = {self.ca_key}
default_md = sha256
policy = anything
copy_extensions = none
unique_subject = no
[anything]
commonName = supplied
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = $ENV::GORGON_TEST_SAN
""")
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", self.ca_key, "-out", self.ca_cert, "-days", "30",
                "-subj", "/CN=Gorgon Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature")

    def issue(self, name, names=None, expired=False, tag=""):
        """A certificate for `name` (and `names`, all DNS SANs) signed by the CA, with a fresh
        P-256 key. `tag` keeps a second certificate for the same name apart on disk."""
        base = os.path.join(self.dir, name + tag)
        key, csr, cert = base + ".key", base + ".csr", base + ".pem"
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", key, "-out", csr, "-subj", f"/CN={name}")
        dates = (["-startdate", "20200101000000Z", "-enddate", "20200201000000Z"] if expired
                 else ["-days", "30"])
        san = ",".join(f"DNS:{n}" for n in [name, *(names or [])])
        env = dict(os.environ, GORGON_TEST_SAN=san)
        p = subprocess.run([OPENSSL, "ca", "-batch", "-config", self.config, "-extensions",
                            "server", "-notext", "-in", csr, "-out", cert, *dates],
                           capture_output=True, timeout=60, env=env, stdin=subprocess.DEVNULL)
        if p.returncode != 0:
            raise RuntimeError(f"openssl ca failed for {name}:\n"
                               f"{p.stderr.decode(errors='replace')}")
        return Issued(name, cert, key)

    def ocsp(self, issued):
        """A DER OCSP response for `issued` ("good"), signed by the CA itself."""
        out = os.path.splitext(issued.cert)[0] + ".ocsp.der"
        openssl("ocsp", "-index", os.path.join(self.dir, "index.txt"), "-rsigner", self.ca_cert,
                "-rkey", self.ca_key, "-CA", self.ca_cert, "-issuer", self.ca_cert,
                "-cert", issued.cert, "-respout", out, "-ndays", "1")
        return out

    def fingerprint(self, path):
        """SHA-256 of a PEM certificate's DER form, as bytes."""
        import hashlib
        import ssl
        with open(path) as f:
            return hashlib.sha256(ssl.PEM_cert_to_DER_cert(f.read())).digest()
