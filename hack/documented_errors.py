"""Write tests/simulator/qcloud_sim/documented_errors.json: per action, the error codes that
Tencent's Go SDK documents for it ("可能返回的错误码" in the comment above each action in
tencentcloud/<service>/<version>/client.go), for every API 3.0 action the simulator serves.

Usage: python hack/documented_errors.py GO_SDK_GIT_DIR   (a bare or normal clone of
github.com/TencentCloud/tencentcloud-sdk-go; read with `git show`, so no work tree is needed).
The JSON keeps the commit it was read from; rerun the script to refresh it.
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "simulator", "qcloud_sim", "documented_errors.json")
SERVICES = {"vpc": "v20170312", "cvm": "v20170312", "tag": "v20180813", "sts": "v20180813"}
# Tencent's common error codes (公共错误码), which every API 3.0 action may answer besides its own
# list: the table on each product's error-code page, e.g. https://cloud.tencent.com/document/api/215/15783
COMMON = [
    "ActionOffline", "AuthFailure.InvalidAuthorization", "AuthFailure.InvalidSecretId", "AuthFailure.MFAFailure",
    "AuthFailure.SecretIdNotFound", "AuthFailure.SignatureExpire", "AuthFailure.SignatureFailure",
    "AuthFailure.TokenFailure", "AuthFailure.UnauthorizedOperation", "DryRunOperation", "FailedOperation",
    "InternalError", "InvalidAction", "InvalidParameter", "InvalidParameterValue", "InvalidRequest",
    "IpInBlacklist", "IpNotInWhitelist", "LimitExceeded", "MissingParameter", "NoSuchProduct", "NoSuchVersion",
    "RequestLimitExceeded", "RequestLimitExceeded.GlobalRegionUinLimitExceeded",
    "RequestLimitExceeded.IPLimitExceeded", "RequestLimitExceeded.UinLimitExceeded", "RequestSizeLimitExceeded",
    "ResourceInUse", "ResourceInsufficient", "ResourceNotFound", "ResourceUnavailable",
    "ResponseSizeLimitExceeded", "ServiceUnavailable", "UnauthorizedOperation", "UnknownParameter",
    "UnsupportedOperation", "UnsupportedProtocol", "UnsupportedRegion",
]
CODE = re.compile(r'^//\s+[A-Z0-9_]+ = "([A-Za-z0-9.]+)"$')
FUNC = re.compile(r"^func \(c \*Client\) (\w+)WithContext\(")


def _serves():
    sys.path.insert(0, os.path.join(HERE, "..", "tests", "simulator"))
    from qcloud_sim import protocol_v3  # noqa: E402 (the simulator's own list of services)
    return {s.SERVICE: sorted(s.ACTIONS) for s in protocol_v3.SERVICES}


def _codes(git_dir, commit, service):
    path = "tencentcloud/%s/%s/client.go" % (service, SERVICES[service])
    text = subprocess.run(["git", "--git-dir", git_dir, "show", "%s:%s" % (commit, path)],
                          check=True, capture_output=True, text=True).stdout
    per_action, pending = {}, []
    for line in text.splitlines():
        if line.startswith("//"):
            m = CODE.match(line)
            if m:
                pending.append(m.group(1))
            continue
        m = FUNC.match(line)
        if m:
            per_action[m.group(1)] = sorted(set(pending))
        if not line.startswith("//"):
            pending = [] if not line.strip() == "" else pending
    return per_action


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(argv) == 2 else 2
    git_dir = argv[1]
    if os.path.isdir(os.path.join(git_dir, ".git")):
        git_dir = os.path.join(git_dir, ".git")
    commit = subprocess.run(["git", "--git-dir", git_dir, "rev-parse", "HEAD"], check=True,
                            capture_output=True, text=True).stdout.strip()
    actions = {}
    for service, names in sorted(_serves().items()):
        documented = _codes(git_dir, commit, service)
        for name in names:
            if name not in documented:
                raise SystemExit("%s.%s is not in the Go SDK at %s" % (service, name, commit))
            actions[name] = {"service": service, "codes": documented[name]}
    data = {
        "source": "github.com/TencentCloud/tencentcloud-sdk-go, tencentcloud/<service>/<version>/client.go",
        "commit": commit,
        "common_source": "https://cloud.tencent.com/document/api/215/15783 (公共错误码, the same table on every product)",
        "common": COMMON,
        "actions": actions,
    }
    with open(OUT, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote %s: %d actions" % (os.path.relpath(OUT), len(actions)))
    return 0


if __name__ == "__main__":
    if "-h" in sys.argv[1:] or "--help" in sys.argv[1:]:
        print(__doc__)
        sys.exit(0)
    sys.exit(main(sys.argv))
