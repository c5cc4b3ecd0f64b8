// One control connection: the command loop, the login, the current directory and transfer
// settings, the data connection set-up and at most one transfer at a time. The code is split
// by job: ftp_session.cpp (lifecycle, input, dispatch, replies), ftp_cmd_login.cpp (USER, PASS),
// ftp_cmd_info.cpp (commands that only talk), ftp_cmd_files.cpp (commands that act on one path),
// ftp_cmd_data.cpp (PASV, EPSV, PORT, EPRT and the data connection's events), ftp_cmd_tls.cpp
// (AUTH TLS, PBSZ, PROT: RFC 4217), ftp_transfer.cpp
// (RETR, STOR, APPE, STOU, LIST, NLST, MLSD, ABOR).
#pragma once

#include "ftp_address.hpp"
#include "ftp_ascii.hpp"
#include "ftp_channel.hpp"
#include "ftp_commands.hpp"
#include "ftp_data_link.hpp"
#include "ftp_fs.hpp"
#include "ftp_listing.hpp"
#include "ftp_producers.hpp"
#include "ftp_replies.hpp"

#include <gorgon/fd.hpp>
#include <gorgon/plugin.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace gorgon::ftp {

class FtpPlugin;
enum class Stat : std::uint8_t;
class FtpServer;
struct ServerShared;
struct PasswordCheck;  // ftp_cmd_login.cpp
struct VirtualUser;    // ftp_users.hpp

class Session : public ConnHandler, public DataLinkOwner {
  public:
    Session(FtpPlugin& plugin, FtpServer& server, std::shared_ptr<ServerShared> shared);
    ~Session() override;

    // Called once, right after the connection is attached: the greeting, or a refusal.
    void start(std::string_view peer_host);
    void refuse(Reply why);
    // The server was closed (removed by a reload): say so and close.
    void serverGone() noexcept;
    // The generation is retiring: close now if idle, else after the running transfer.
    void drain();
    // A reload removes the server: say so (421) and close, whatever is running.
    void goodbye() noexcept;

    void onData() override;
    void onEvent(gorgon_conn_event event) override;
    void onClose(gorgon_close_reason reason) override;

    void linkConnected(DataLink& link) override;
    void linkReadable(DataLink& link) override;
    void linkDrained(DataLink& link) override;
    void linkEvent(DataLink& link, gorgon_conn_event event) override;
    void linkClosed(DataLink& link, gorgon_close_reason reason) override;

    [[nodiscard]] const std::string& peerHost() const noexcept { return peer_host_; }

  private:
    enum class Access : std::uint8_t { None, Anonymous, Virtual, Real };
    enum class DataSetup : std::uint8_t { None, Passive, Active };
    enum class TransferKind : std::uint8_t { Retr, Stor, Appe, Stou, List, Nlst, Mlsd };

    struct Transfer {
        TransferKind kind = TransferKind::Retr;
        std::string vpath;            // the file, or the directory listed
        std::string temp_vpath;       // STOR, STOU: written here, renamed to vpath at the end
        UniqueFd fd;                  // RETR: the source; STOR: the destination
        gorgon_producer_id body = 0;  // outbound: prepared, ours until handed to the link
        std::uint64_t offset = 0;     // REST
        std::uint64_t size = 0;       // outbound: bytes to send
        std::uint64_t bytes = 0;      // inbound: bytes written
        bool ascii = false;
        bool no_replace = false;       // do not overwrite an existing vpath at the end
        bool truncate_at_end = false;  // REST+STOR in place: cut what followed
        bool flowing = false;          // the data connection is carrying it
        bool done = false;             // its final reply is sent
        std::size_t truncated_at = 0;  // a listing stopped at max_list_entries
        std::int64_t started_ms = 0;
        FromNetAscii from_ascii;
        [[nodiscard]] bool outbound() const noexcept {
            return kind == TransferKind::Retr || kind == TransferKind::List ||
                   kind == TransferKind::Nlst || kind == TransferKind::Mlsd;
        }
    };

    // ---- ftp_session.cpp ----
    void processInput();
    // The next complete command line, Telnet commands stripped; false when none is complete.
    // `peek`: leave it in the input.
    bool takeLine(std::string& line, bool peek);
    void discardOverlong();
    void handleLine(std::string_view line);
    // A line that is no command (unknown verb, bad syntax or bytes, empty, too long): its 5xx,
    // or 421 and the end of the session once max_bad_commands came in a row.
    void badCommand(Reply why);
    void dispatch(const CommandSpec& spec, const CommandLine& cmd);
    void reply(Reply r, std::string_view detail = {});
    void replyLines(Reply r, std::string_view first, std::string_view body, std::string_view last);
    void sendRaw(std::string_view bytes);
    void closeSession(Reply why);
    void beginRequest() noexcept;
    void endRequest() noexcept;
    [[nodiscard]] std::int64_t nowMs() const noexcept;
    // The argument resolved against the current directory; replies 501 and returns nullopt if
    // it cannot be.
    std::optional<std::string> pathArg(const CommandLine& cmd);
    void setIdleTimeout(bool on);
    void count(Stat which, std::int64_t delta = 1) const noexcept;

    // ---- ftp_cmd_login.cpp ----
    void cmdUser(const CommandLine& cmd);
    void cmdPass(const CommandLine& cmd);
    bool loginAnonymous(std::string_view password);
    bool loginVirtual(const VirtualUser& u);
    bool loginReal(const PasswordCheck& check);
    // The password check is over (on the loop): finishes the login it was for.
    void passwordChecked(const PasswordCheck& check, bool ran);
    void loginSucceeded();
    void loginFailed();
    void loginTimedOut();

    // ---- ftp_cmd_tls.cpp (RFC 4217) ----
    void probeTls();
    void cmdAuth(const CommandLine& cmd);
    void cmdPbsz(const CommandLine& cmd);
    void cmdProt(const CommandLine& cmd);
    void controlTlsReady();
    // May a transfer start with the current PROT? Replies 521 and returns false if not.
    bool dataProtectionOk();
    [[nodiscard]] bool tlsExempt() const noexcept;
    // Starts TLS on the data connection (PROT P); false (the transfer ended) if it cannot.
    bool secureLink();
    // Begins the waiting transfer once the data connection is connected (and through TLS).
    void linkReady();

    // ---- ftp_cmd_info.cpp ----
    void cmdSyst();
    void cmdFeat();
    void cmdOpts(const CommandLine& cmd);
    void cmdHelp(const CommandLine& cmd);
    void cmdType(const CommandLine& cmd);
    void cmdMode(const CommandLine& cmd);
    void cmdStru(const CommandLine& cmd);
    void cmdRest(const CommandLine& cmd);
    void cmdStat(const CommandLine& cmd);
    void statServer();

    // ---- ftp_cmd_files.cpp ----
    void cmdCwd(const CommandLine& cmd);
    void cmdCdup();
    void cmdPwd();
    void cmdMkd(const CommandLine& cmd);
    void cmdRmd(const CommandLine& cmd);
    void cmdDele(const CommandLine& cmd);
    void cmdRnfr(const CommandLine& cmd);
    void cmdRnto(const CommandLine& cmd);
    void cmdSize(const CommandLine& cmd);
    void cmdMdtm(const CommandLine& cmd);
    void cmdMlst(const CommandLine& cmd);
    void changeDirectory(const std::string& vpath);
    // May this session delete, rename, overwrite or append to `vpath`?
    [[nodiscard]] bool mayModify(std::string_view vpath) const noexcept;

    // ---- ftp_cmd_data.cpp ----
    void cmdPasv();
    void cmdEpsv(const CommandLine& cmd);
    void cmdPort(const CommandLine& cmd);
    void cmdEprt(const CommandLine& cmd);
    bool openPassive();
    void setActive(const HostPort& target, Reply ok);
    static void acceptThunk(void* user, gorgon_listener_id listener, gorgon_conn_id conn) noexcept;
    void dataAccepted(gorgon_listener_id listener, gorgon_conn_id conn);
    // Closes the listener, the data connection and forgets PORT: back to no data set-up.
    void resetData() noexcept;
    void closeListener() noexcept;

    // ---- ftp_transfer.cpp ----
    void cmdRetr(const CommandLine& cmd);
    void cmdStore(const CommandLine& cmd, TransferKind kind);
    void cmdList(const CommandLine& cmd, TransferKind kind);
    void cmdAbor();
    void statPath(const std::string& arg);
    // Collects the entries of `vpath` (or the one entry, if it is a file) as LIST shows them.
    // Returns the reply to send on failure, or nullopt.
    std::optional<Reply> collect(const std::string& vpath, std::string_view pattern,
                                 bool directory_only, bool dotfiles, ListingBody& body,
                                 std::size_t& truncated_at);
    void startTransfer(std::unique_ptr<Transfer> t, Reply opening, std::string_view detail);
    void beginFlow();
    void acceptTimedOut();
    void storeInput();
    void finishStore();
    // Ends the transfer: its final reply (226, or `failure`), then `then` if given (ABOR's 226),
    // and back to reading commands.
    void finishTransfer(bool ok, Reply failure, std::optional<Reply> then = std::nullopt);
    void abandonTransfer() noexcept;  // drops it without a reply (QUIT, close)
    void logTransfer(const Transfer& t, bool complete);
    [[nodiscard]] std::string tempName();

    FtpPlugin& plugin_;
    FtpServer* server_;  // null once the server is closed
    std::shared_ptr<ServerShared> shared_;
    Channel control_;
    std::string peer_host_;
    std::string local_host_;  // the control connection's local address

    // Login
    Access access_ = Access::None;
    std::string user_;  // after USER
    bool have_user_ = false;
    std::string log_user_;  // for xferlog: the name, or the anonymous password
    std::unique_ptr<SessionFs> fs_;
    bool may_modify_ = false;  // delete, rename, overwrite, append (not anonymous)
    std::uint32_t failed_logins_ = 0;
    Timer login_timer_;
    Timer delay_timer_;  // the pause after a failed login
    // A password check on the host's work pool holds a weak view of this: a client that
    // leaves mid-check is noticed when the check completes. The check pauses the session
    // (paused_), so commands sent meanwhile wait in the input until its answer.
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);

    // State
    std::string cwd_ = "/";
    bool ascii_ = true;       // RFC 959: TYPE A is the default
    std::uint64_t rest_ = 0;  // REST, seen only by the command right after it
    std::string rnfr_;
    bool epsv_all_ = false;
    std::uint32_t facts_ = kDefaultFacts;

    // Data connection set-up
    DataSetup setup_ = DataSetup::None;
    gorgon_listener_id listener_ = 0;
    std::uint16_t passive_port_ = 0;
    DataLink* link_ = nullptr;  // owned by its connection; detached before we go
    HostPort active_;
    Timer accept_timer_;

    std::unique_ptr<Transfer> transfer_;

    // TLS (RFC 4217)
    bool tls_available_ = false;  // the server has a `tls:` block
    bool control_tls_ = false;    // the control connection is encrypted
    bool tls_pending_ = false;    // AUTH TLS answered, handshake under way: read nothing
    bool pbsz_ = false;           // PBSZ 0 given after AUTH
    bool prot_private_ = false;   // PROT P: data connections over TLS

    bool paused_ = false;      // waiting (failed-login delay): read no commands
    bool closing_ = false;     // the last reply is on its way
    bool discarding_ = false;  // dropping the rest of an over-long line
    bool draining_ = false;    // close after the running transfer
    bool in_request_ = false;
    bool in_input_ = false;           // processInput() is on the stack: do not enter it again
    bool after_bare_cr_ = false;      // the last line ended in a CR alone ("ABOR\r", urgent "\n")
    std::uint32_t bad_commands_ = 0;  // unusable lines in a row
};

}  // namespace gorgon::ftp
