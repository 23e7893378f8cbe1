; -- branchpay.iss -- Inno Setup 6.3+ script for the BranchPay Windows installer.
;
; Installs the PyInstaller folder dist\BranchPay (BranchPay.exe = the window,
; branchpay-cli.exe = the command line) per machine into Program Files.
;
;   .venv\Scripts\pyinstaller packaging\branchpay.spec
;   ISCC /DMyAppVersion=0.1.0 packaging\branchpay.iss   -> packaging\Output\BranchPay-Setup-0.1.0.exe
;
; Without /DMyAppVersion the version is read from BranchPay.exe's version resource, which
; packaging\make_version_info.py generated from app.__version__ — one source of truth.
; /DBundleDir=<folder> points at a bundle built elsewhere (default: dist\BranchPay).
;
; User data is never touched: the database, backups and logs live in the user's data folder
; (%LOCALAPPDATA%\BranchPay, see default_data_dir in db/session.py), never in {app}, and
; this script has no [UninstallDelete] section, so uninstalling keeps them.
;
; Needs Inno Setup 6.3 or newer (the x64compatible architecture identifier). Saved as UTF-8
; with a BOM (required for the Chinese texts before Inno Setup 6.3, harmless since).

#define MyAppName "BranchPay 网点客服薪酬台"
#define MyAppPublisher "BranchPay"
#define MyAppExeName "BranchPay.exe"
; Shown to the user without "%" signs: Inno Setup gives "%" a meaning in messages.
#define MyDataFolder "AppData\Local\BranchPay"

#ifndef BundleDir
  #define BundleDir AddBackslash(SourcePath) + "..\dist\BranchPay"
#endif
#if !FileExists(AddBackslash(BundleDir) + MyAppExeName)
  #error "No PyInstaller bundle: build it first with  pyinstaller packaging\branchpay.spec  (or pass /DBundleDir=...)"
#endif

#ifndef MyAppVersion
  #define MyAppVersion GetStringFileInfo(AddBackslash(BundleDir) + MyAppExeName, "ProductVersion")
#endif
#if MyAppVersion == ""
  #error "Cannot read the version from BranchPay.exe; pass it: ISCC /DMyAppVersion=x.y.z packaging\branchpay.iss"
#endif

; Simplified Chinese messages are not shipped with every Inno Setup release (it was an
; unofficial translation for a long time). Use the compiler's copy when it has one, else a
; copy placed next to this script (packaging\installer\ChineseSimplified.isl), else English only.
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
  #define ChineseIsl "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(SourcePath) + "installer\ChineseSimplified.isl")
  #define ChineseIsl AddBackslash(SourcePath) + "installer\ChineseSimplified.isl"
#endif

[Setup]
; The AppId identifies the product to Windows (upgrades, Apps & features). NEVER change it.
AppId={{C399CE0E-307C-46A6-9E37-5029F37D8CF9}
AppName={#MyAppName}
AppVersion={#MyAppVersion}
AppVerName={#MyAppName} {#MyAppVersion}
AppPublisher={#MyAppPublisher}
VersionInfoVersion={#GetVersionNumbersString(AddBackslash(BundleDir) + MyAppExeName)}
VersionInfoProductName={#MyAppName}
VersionInfoDescription={#MyAppName} Setup
; Per-machine install: always elevated, into Program Files (autopf = commonpf in admin mode).
PrivilegesRequired=admin
DefaultDirName={autopf}\BranchPay
DisableProgramGroupPage=yes
; 64-bit Python and Qt inside: 64-bit Windows 10 or newer only (Qt 6 needs Windows 10).
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=Output
OutputBaseFilename=BranchPay-Setup-{#MyAppVersion}
SetupIconFile=icons\branchpay.ico
UninstallDisplayIcon={app}\{#MyAppExeName}
UninstallDisplayName={#MyAppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto
; Close a running BranchPay before files are replaced.
CloseApplications=yes
RestartApplications=no

[Languages]
#ifdef ChineseIsl
Name: "chinesesimplified"; MessagesFile: "{#ChineseIsl}"
#endif
Name: "english"; MessagesFile: "compiler:Default.isl"

[Messages]
english.FinishedLabel=Setup has finished installing [name] on your computer. The application may be launched by selecting the installed shortcuts.%n%nYour payroll data is kept in your own data folder ({#MyDataFolder}), not in the program folder.
english.ConfirmUninstall=Are you sure you want to remove %1?%n%nYour payroll database, backups and logs in {#MyDataFolder} will NOT be removed. Delete that folder yourself only if you no longer need the data.
english.UninstalledAll=%1 was removed from your computer.%n%nYour payroll data in {#MyDataFolder} was kept.
#ifdef ChineseIsl
chinesesimplified.FinishedLabel=安装程序已在您的电脑上安装 [name]。可以通过已安装的快捷方式启动。%n%n工资数据保存在您自己的数据文件夹（{#MyDataFolder}）中，不在程序文件夹里。
chinesesimplified.ConfirmUninstall=确定要卸载 %1 吗？%n%n工资数据库、备份和日志（{#MyDataFolder}）不会被删除。只有在确实不再需要这些数据时，才请自行删除该文件夹。
chinesesimplified.UninstalledAll=%1 已从您的电脑中卸载。%n%n您的工资数据（{#MyDataFolder}）已保留。
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; An upgrade replaces the whole bundle: stale files of an older version (a removed library, an
; old migration script Alembic would still load) must not survive. {app} holds no user data.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#MyAppName}"; Filename: "{app}\{#MyAppExeName}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#MyAppName}"; Filename: "{app}\{#MyAppExeName}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
; runasoriginaluser: the first start creates the database in the *user's* data folder, not in
; the folder of the administrator account that elevated Setup.
Filename: "{app}\{#MyAppExeName}"; Description: "{cm:LaunchProgram,{#StringChange(MyAppName, '&', '&&')}}"; Flags: nowait postinstall skipifsilent runasoriginaluser
