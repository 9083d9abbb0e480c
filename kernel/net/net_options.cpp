#include "kernel/net/net_options.h"

#include "kernel/log/log.h"

namespace tk::net {

bool parse_net_options(const CommandLine& cmdline, NetConfig& config) {
    config.ip = parse_ipv4(cmdline.value("ip"));
    if (!config.ip) config.ip = 0x0A00020F;  // 10.0.2.15
    config.netmask = 0xFFFFFF00;
    StringView router = cmdline.value("router");
    config.gateway = router.empty() ? (config.ip & 0xFFFFFF00) | 1 : parse_ipv4(router);
    bool on_link = (config.gateway & 0xFFFFFF00) == (config.ip & 0xFFFFFF00);
    u32 host = config.gateway & 0xFF;
    if (!on_link || config.gateway == config.ip || host == 0 || host == 0xFF) {
        log::info("net: router=%.*s is not another host on our /24", int(router.length), router.data);
        return false;
    }
    config.igmp_version = cmdline.value("igmp").equals("2") ? 2 : 3;
    return true;
}

bool configure_control(ControlPlane& control, const CommandLine& cmdline, u64 nonce, bool have_nonce,
                       const char* nonce_source) {
    // The secret is never printed (the boot log shows the command line with
    // it hidden). The nonce is: commands are signed over it (control.h).
    bool configured = control.configure(cmdline.value("control"), cmdline.value("secret"), nonce, have_nonce);
    log::record("control", "port=%u configured=%d nonce=%016llx nonce-source=%s", kControlPort, configured,
                static_cast<unsigned long long>(control.nonce()), have_nonce ? nonce_source : "none");
    if (!have_nonce) log::info("control: no random number for the nonce: every command is refused");
    if (!configured)
        log::info("control: control=<up to %u addresses> and secret=<16-64 characters> missing or malformed: "
                  "every command is refused",
                  ControlPlane::kMaxSources);
    return configured;
}

}  // namespace tk::net
