; Inno Setup 6 script: per-user installer for the hrher2-aid one-folder bundle.
;
; Built by packaging\windows\build.ps1, which first runs PyInstaller with
; packaging\hrher2-aid.spec (output build\pyi-dist\hrher2-aid\) and then:
;   ISCC.exe /DAppVersion=<version from pyproject.toml> packaging\windows\hrher2-aid.iss
; Output: dist\hrher2-aid-<version>-setup.exe
;
; Per-user: no administrator rights, installs under %LOCALAPPDATA%\Programs\hrher2-aid.
; The AppId below must never change: it is how a newer setup finds and upgrades the
; installed copy, and how Windows lists it under Apps for removal.

#ifndef AppVersion
  #error Pass the version: ISCC /DAppVersion=X.Y.Z hrher2-aid.iss
#endif
#define AppName "hrher2-aid"
#define AppTitle "HR+/HER2+ decision aid"
#define Bundle "..\..\build\pyi-dist\hrher2-aid"

[Setup]
AppId={{F12CF2DD-168D-4E13-A91B-25469792E37A}
AppName={#AppTitle}
AppVersion={#AppVersion}
AppVerName={#AppTitle} {#AppVersion}
AppPublisher=hrher2-aid
AppComments=Offline decision aid for HR-positive, HER2-positive metastatic breast cancer
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppTitle}
VersionInfoProductVersion={#AppVersion}
VersionInfoDescription={#AppTitle} setup
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DisableDirPage=auto
DefaultGroupName={#AppTitle}
DisableProgramGroupPage=yes
UninstallDisplayName={#AppTitle}
UninstallDisplayIcon={app}\{#AppName}.exe
SetupIconFile=..\..\build\icons\{#AppName}.ico
OutputDir=..\..\dist
OutputBaseFilename={#AppName}-{#AppVersion}-setup
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
Compression=lzma2/ultra64
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
; Never phones home, never asks for a reboot.
RestartIfNeededByRun=no

[InstallDelete]
; An upgrade replaces the bundle wholesale: no library of an older version lingers.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppTitle}"; Filename: "{app}\{#AppName}.exe"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppTitle}"; Filename: "{app}\{#AppName}.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Run]
Filename: "{app}\{#AppName}.exe"; Description: "{cm:LaunchProgram,{#AppTitle}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Anything a run may have added inside the program folder (none is expected). Saved
; cases and settings live in the user's data folder and are kept on purpose.
Type: filesandordirs; Name: "{app}\_internal"
Type: dirifempty; Name: "{app}"
