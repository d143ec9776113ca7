#!/usr/bin/env python3
"""linphonec's missing `status` command, on the liblinphone that linphonec runs on.

linphonec 5.1 (Debian 12) lost the commands that set one's own presence, so nothing on its
command line makes liblinphone PUBLISH busy or away. This console drives the same installed
liblinphone through its C API: the same linphonerc (-c), the same debug log (-l), commands on
standard input:

  status online|busy|do-not-disturb|offline   linphone_core_set_consolidated_presence
  quit                                        linphone_core_stop (unpublishes, unregisters), exit

What goes on the wire (the PIDF document, the PUBLISH and its refreshes) is liblinphone's own.
"""
import ctypes
import os
import queue
import sys
import threading
import time

# LinphoneConsolidatedPresence (linphone/enums/c-enums.h)
PRESENCE = {"online": 0, "busy": 1, "do-not-disturb": 2, "offline": 3}
LOG_LEVEL_DEBUG = 1


def arguments(argv):
    options = dict(zip(argv[1::2], argv[2::2]))
    return options["-c"], options["-l"]


def main():
    config, log = arguments(sys.argv)
    lib = ctypes.CDLL("liblinphone.so.10")
    for name in ("linphone_factory_get", "linphone_logging_service_get", "linphone_factory_create_core_3"):
        getattr(lib, name).restype = ctypes.c_void_p
    lib.linphone_logging_service_set_log_level.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.linphone_logging_service_set_log_file.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p,
                                                          ctypes.c_size_t]
    lib.linphone_factory_create_core_3.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p,
                                                   ctypes.c_void_p]
    for name in ("linphone_core_start", "linphone_core_iterate", "linphone_core_stop", "linphone_core_unref"):
        getattr(lib, name).argtypes = [ctypes.c_void_p]
    lib.linphone_core_set_consolidated_presence.argtypes = [ctypes.c_void_p, ctypes.c_int]

    logging = lib.linphone_logging_service_get()
    lib.linphone_logging_service_set_log_level(logging, LOG_LEVEL_DEBUG)
    lib.linphone_logging_service_set_log_file(logging, os.path.dirname(os.path.abspath(log)).encode(),
                                              os.path.basename(log).encode(), 0)
    core = lib.linphone_factory_create_core_3(lib.linphone_factory_get(), config.encode(), None, None)
    lib.linphone_core_start(core)

    commands = queue.Queue()
    threading.Thread(target=lambda: [commands.put(line.split()) for line in sys.stdin], daemon=True).start()
    print("ready", flush=True)
    while True:
        lib.linphone_core_iterate(core)
        try:
            command = commands.get(timeout=0.02)
        except queue.Empty:
            continue
        if command == ["quit"]:
            break
        if len(command) == 2 and command[0] == "status" and command[1] in PRESENCE:
            lib.linphone_core_set_consolidated_presence(core, PRESENCE[command[1]])
            print("status " + command[1], flush=True)
        elif command:
            print("unknown command: " + " ".join(command), flush=True)
    lib.linphone_core_stop(core)
    lib.linphone_core_unref(core)
    print("stopped", flush=True)


if __name__ == "__main__":
    main()
