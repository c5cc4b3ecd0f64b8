// Commands that act on one path: CWD, CDUP, PWD, MKD, RMD, DELE, RNFR, RNTO, SIZE, MDTM, MLST.
#include "ftp_path.hpp"
#include "ftp_server.hpp"
#include "ftp_session.hpp"

namespace gorgon::ftp {

bool Session::mayModify(std::string_view vpath) const noexcept {
    return may_modify_ && fs_->writable(vpath);
}

void Session::changeDirectory(const std::string& vpath) {
    // "dir/." is resolved by walking into dir, which needs search permission on it as the
    // session's user: a directory it could not enter is refused, as chdir(2) would.
    std::string probe = vpath == "/" ? std::string("/.") : vpath + "/.";
    gorgon_fs_stat st{};
    if (fs_->stat(probe, /*follow=*/true, st) != GORGON_OK || st.type != GORGON_FS_DIRECTORY) {
        reply(Reply::CwdFailed);
        return;
    }
    cwd_ = vpath;
    reply(Reply::CwdOk);
}

void Session::cmdCwd(const CommandLine& cmd) {
    if (auto p = pathArg(cmd)) changeDirectory(*p);
}

void Session::cmdCdup() {
    changeDirectory(std::string(parentOf(cwd_)));
}

void Session::cmdPwd() {
    reply(Reply::Pwd, quotePath(cwd_));
}

void Session::cmdMkd(const CommandLine& cmd) {
    auto p = pathArg(cmd);
    if (!p) return;
    if (!fs_->writable(*p)) {
        reply(Reply::PermissionDenied);
        return;
    }
    if (fs_->mkdir(*p, shared_->config.dir_mode) != GORGON_OK) {
        reply(Reply::MkdFailed);
        return;
    }
    reply(Reply::Mkd, quotePath(*p));
}

void Session::cmdRmd(const CommandLine& cmd) {
    auto p = pathArg(cmd);
    if (!p) return;
    if (!mayModify(*p)) {
        reply(Reply::PermissionDenied);
        return;
    }
    reply(fs_->rmdir(*p) == GORGON_OK ? Reply::RmdOk : Reply::RmdFailed);
}

void Session::cmdDele(const CommandLine& cmd) {
    auto p = pathArg(cmd);
    if (!p) return;
    if (!mayModify(*p)) {
        reply(Reply::PermissionDenied);
        return;
    }
    reply(fs_->remove(*p) == GORGON_OK ? Reply::DeleOk : Reply::DeleFailed);
}

void Session::cmdRnfr(const CommandLine& cmd) {
    auto p = pathArg(cmd);
    if (!p) return;
    if (!mayModify(*p)) {
        reply(Reply::PermissionDenied);
        return;
    }
    gorgon_fs_stat st{};
    if (fs_->stat(*p, /*follow=*/false, st) != GORGON_OK) {
        reply(Reply::NoSuchFile);
        return;
    }
    rnfr_ = *p;
    reply(Reply::RnfrOk);
}

void Session::cmdRnto(const CommandLine& cmd) {
    if (rnfr_.empty()) {
        reply(Reply::RnfrFirst);
        return;
    }
    const std::string from = std::move(rnfr_);
    rnfr_.clear();
    auto p = pathArg(cmd);
    if (!p) return;
    if (!mayModify(*p)) {
        reply(Reply::PermissionDenied);
        return;
    }
    reply(fs_->rename(from, *p) == GORGON_OK ? Reply::RenameOk : Reply::RenameFailed);
}

void Session::cmdSize(const CommandLine& cmd) {
    auto p = pathArg(cmd);
    if (!p) return;
    gorgon_fs_stat st{};
    // The size as stored, in either TYPE, as vsftpd answers (RFC 3659 allows a server to
    // refuse in TYPE A rather than read the file to count its line ends).
    if (fs_->stat(*p, /*follow=*/true, st) != GORGON_OK || st.type != GORGON_FS_FILE) {
        reply(Reply::SizeFailed);
        return;
    }
    reply(Reply::FileStatus, std::to_string(st.size));
}

void Session::cmdMdtm(const CommandLine& cmd) {
    auto p = pathArg(cmd);
    if (!p) return;
    gorgon_fs_stat st{};
    if (fs_->stat(*p, /*follow=*/true, st) != GORGON_OK || st.type != GORGON_FS_FILE) {
        reply(Reply::MdtmFailed);
        return;
    }
    reply(Reply::FileStatus, formatTimeVal(st.mtime_sec));
}

void Session::cmdMlst(const CommandLine& cmd) {
    std::string vpath = cwd_;
    if (cmd.has_arg) {
        auto p = pathArg(cmd);
        if (!p) return;
        vpath = *p;
    }
    gorgon_fs_stat st{};
    if (fs_->stat(vpath, /*follow=*/true, st) != GORGON_OK ||
        (st.type != GORGON_FS_FILE && st.type != GORGON_FS_DIRECTORY)) {
        reply(Reply::NoSuchFile);
        return;
    }
    // RFC 3659 7.2: the facts line starts with a space and names the object by its pathname.
    std::string body = " ";
    const bool writable =
        st.type == GORGON_FS_DIRECTORY ? fs_->writable(childOf(vpath, "x")) : mayModify(vpath);
    appendFacts(body, st, vpath, facts_, writable);
    body += "\r\n";
    replyLines(Reply::MlstListing, "Listing " + vpath, body, "End");
}

}  // namespace gorgon::ftp
