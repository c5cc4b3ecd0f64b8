# What `cmake --install` puts beside the binaries, plugins and SDK: the installed configuration,
# with absolute paths made from the install directories (GNUInstallDirs), and the demo document
# root it serves. The Debian packages (packaging/debian) install exactly this tree.
set(GORGON_CONFIG_FILE ${CMAKE_INSTALL_FULL_SYSCONFDIR}/gorgon/gorgon.yaml)
set(GORGON_PLUGIN_DIR ${CMAKE_INSTALL_FULL_LIBDIR}/gorgon/plugins)
set(GORGON_WWW_DIR ${CMAKE_INSTALL_FULL_DATADIR}/gorgon/www)
set(GORGON_LOG_DIR ${CMAKE_INSTALL_FULL_LOCALSTATEDIR}/log/gorgon)
set(GORGON_STATE_DIR ${CMAKE_INSTALL_FULL_LOCALSTATEDIR}/lib/gorgon)
set(GORGON_RUN_DIR ${CMAKE_INSTALL_FULL_RUNSTATEDIR}/gorgon)

configure_file(${PROJECT_SOURCE_DIR}/packaging/gorgon.yaml.in
    ${PROJECT_BINARY_DIR}/packaging/gorgon.yaml @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/packaging/gorgon.yaml
    DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/gorgon)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/configs/demo-root/
    DESTINATION ${CMAKE_INSTALL_DATADIR}/gorgon/www)

# The operator's documentation (the man pages point here), and the plugin author's.
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/configuration.md ${PROJECT_SOURCE_DIR}/docs/operations.md
        ${PROJECT_SOURCE_DIR}/docs/monitor-protocol.md ${PROJECT_SOURCE_DIR}/docs/sdk-guide.md
        ${PROJECT_SOURCE_DIR}/sdk/ABI_CHANGES.md
    DESTINATION ${CMAKE_INSTALL_DOCDIR})
foreach(plugin chat fs-os fs-union ftp http http-auth http-put http-redirect http-static http-status http-userdir monitor)
    install(FILES ${PROJECT_SOURCE_DIR}/plugins/${plugin}/README.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/plugins RENAME ${plugin}.md)
endforeach()
