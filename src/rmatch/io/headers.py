"""The headers HR exports and survey tools write, and the field each usually holds.

Data for :mod:`rmatch.io.columns`'s suggestions: English headers, and the usual
headers of German, French, Spanish, Portuguese, Dutch and Italian exports,
compared folded (case, spaces, ``_``, ``-``, ``.`` and accents do not count:
:func:`header_key`), and the order of a name's parts read from their headers
(:func:`given_name_first`).
"""

from __future__ import annotations

import re

from rmatch.model.text import unaccented

__all__ = ["ABROAD", "NAME_PARTS", "SYNONYMS", "given_name_first", "header_key", "name_part",
           "one_whole_name", "plain"]

# Headers HR exports and survey tools write, and the field each usually holds.
# "": usually nothing a matching needs (a job title, free text), left out.
SYNONYMS: dict[str, str] = {
    "id": "employee id,employee number,emp id,emp no,staff id,staff number,person id,"
          "personnel number,worker id,user id,userid,username,uid,badge id,person number,"
          "employee #,employee no.,emp #,emp no.,associate id,person id external,"
          "personnel no,staff no,employee code,user principal name,userprincipalname,upn,"
          "sign-in name,login name,sam account name,samaccountname,"
          "what is your employee id,your employee id,what is your employee number,"
          "your employee number,your staff id,your staff number",
    "email": "email address,e-mail,work email,employee email,e-mail address,mail,"
             "recipient email",
    "name": "full name,employee name,display name,preferred name,first name,given name,"
            "forename,last name,surname,family name,worker,employee,person,legal name,"
            "middle name,middle names,legal first name,legal last name,full legal name,"
            "recipient first name,recipient last name",
    "role": "programme role,program role,side,participant type,participant role,mentoring role,"
            "mentor or mentee,which role,role in the programme,sign up as,i am a,i am,"
            "joining as,registering as,i would like to be,i want to be,i'd like to be",
    "birth_year": "date of birth,dob,birth date,birthdate,birthday,year of birth,born,"
                  "generation,your generation,which generation,age range,your age range,"
                  "age group,age band,age bracket,your age",
    "level": "grade,job grade,band,pay band,wage band,wage grade,job band,job level,"
             "career level,pay grade,"
             "seniority,rank,management level,grade name,job grade name,pay grade name,"
             "grade level,band name",
    "department": "dept,division,business unit,unit,function,team,organisation,organization,"
                  "org,org unit,supervisory organization,supervisory organisation,"
                  "department name,department description,business unit name,division name,"
                  "home department,home department description,organization name,"
                  "organisation name,team name,function name",
    "location": "office,site,city,work location,country,base,workplace,office location,"
                "worksite,work site,home base,"
                "location name,location description,work location name,site name,office name,"
                "city name,country name,where are you based,where are you located,"
                "where do you work,which office,your office,your location,based in,"
                "which office are you based in",
    "timezone": "tz,time zone,time-zone,zone,time zone name,timezone name",
    "languages": "language,spoken languages,languages spoken,language skills,"
                 "languages you can mentor in,mentoring languages,preferred language,"
                 "languages you speak",
    "manager_id": "manager,line manager,reports to,supervisor,manager email,supervisor id,"
                  "manager employee id,line manager id,manager id,manager number,"
                  "mgr,mgr id,mgr email,line mgr,line mgr id,mgr employee id,mgr no,"
                  "manager e-mail,mgr e-mail,supervisor email,reports to id,reporting to,"
                  "manager person number,reports to associate id,manager user sys id,"
                  "manager - id,manager employee number,supervisor employee id,"
                  "your line manager's email,your manager's email,line manager's email,"
                  "manager's email,your line manager,your manager,who is your line manager,"
                  "line manager email,line manager's e-mail",
    "manager_name": "manager name,line manager name,supervisor name,manager full name,"
                    "mgr name,line mgr name",
    "skills": "skill,expertise,competencies,strengths,can teach,topics i can share,"
              "i can share,i can teach,can share",
    "goals": "goal,interests,learning goals,want to learn,development areas,wants to learn,"
             "topics i want to learn,i want to learn,would like to learn",
    "capacity": "max partners,max mentees,slots,max pairs,how many mentees,number of mentees,"
                "mentees you can take,how many mentors,number of mentors,how many partners",
    "min_partners": "min partners,min mentees,minimum partners,minimum mentees,min pairs",
    "availability": "available,time slots,when are you available,availability slots,"
                    "free slots,preferred times,when can you meet,which days suit you,"
                    "which days,days available,available days,preferred days,"
                    "which days are you available,best days to meet",
    "previous_partners": "past partners,previous mentors,previous matches,previous mentees",
    "wishes": "wish,preferred partners,preferences,would like,wish list,first choice,"
              "second choice,third choice,1st choice,2nd choice,3rd choice,choice of mentor,"
              "first choice of mentor,preferred mentor,preferred mentors,preferred mentee,"
              "preferred mentees,mentor preference,mentee preference,first preference,"
              "second preference,third preference,ranked choices,top choices,"
              "who would you like as a mentor,who would you like as a mentee,"
              "who would you like to be matched with,would like to be matched with,"
              "requested mentor,requested mentee,requested partner",
    "avoid": "veto,vetoes,do not match,not with,avoid partners,"
             "prefer not to be matched with,would prefer not to be matched with,"
             "anyone you would prefer not to be matched with,not to be matched with,"
             "do not want to be matched with,conflicts of interest,do not pair me with",
    "attributes": "gender,sex,ethnicity,race,nationality,citizenship,background,"
                  "disability,identity,identity to match,characteristics,religion,"
                  "profession,job family,career track,sexual orientation",
    "": "job title,title,position,biography,bio,notes,comments,phone,mobile,address,"
        "hire date,start date,both mentor and mentee,match with similar identity,"
        "photo,linkedin,start time,completion time,timestamp,"
        # A Qualtrics export's own columns: about the response, never the person.
        "end date,response type,ip address,progress,duration (in seconds),finished,"
        "recorded date,response id,external data reference,location latitude,"
        "location longitude,distribution channel,user language,"
        # And a SurveyMonkey export's.
        "respondent id,collector id,custom data 1,custom data",
}
# The same headers as HR systems in German, French, Spanish, Portuguese, Dutch and
# Italian write them (compared without accents: "Departement" is "Département").
ABROAD: dict[str, str] = {
    "id": "personalnummer,personal-nr,personalnr,pers.-nr.,mitarbeiternummer,mitarbeiter-id,"
          "mitarbeiter id,matricule,numéro d'employé,numéro de salarié,identifiant,"
          "número de empleado,id de empleado,legajo,matrícula,número do funcionário,"
          "personeelsnummer,medewerkernummer,matricola,numero dipendente",
    "email": "e-mail-adresse,e-mail adresse,adresse e-mail,adresse électronique,courriel,"
             "correo electrónico,correo,endereço de e-mail,e-mailadres,indirizzo email,"
             "adresse de messagerie,e-mail,dirección de correo electrónico,"
             "endereço de email,indirizzo e-mail,posta elettronica",
    "name": "vorname,nachname,vollständiger name,nom,prénom,nom complet,nombre,apellido,"
            "apellidos,nombre completo,nome,sobrenome,nome completo,naam,voornaam,"
            "achternaam,volledige naam,cognome",
    "role": "rolle,rôle,rol,papel,ruolo,rolle im programm,rôle dans le programme,"
            "je suis,je suis un,je m'inscris en tant que,participer en tant que,ich bin,"
            "ich melde mich an als,teilnahme als,soy,me inscribo como,eu sou,sono,ik ben",
    "birth_year": "geburtsjahr,geburtsdatum,année de naissance,date de naissance,"
                  "fecha de nacimiento,año de nacimiento,data de nascimento,ano de nascimento,"
                  "geboortedatum,geboortejaar,data di nascita,anno di nascita",
    "level": "gehaltsstufe,karrierestufe,hierarchiestufe,entgeltgruppe,tarifgruppe,"
             "échelon,niveau hiérarchique,nivel,nivel jerárquico,categoría profesional,"
             "nível,nível hierárquico,functieschaal,salarisschaal,livello,inquadramento",
    "department": "abteilung,bereich,organisationseinheit,département,unité,"
                  "departamento,área,afdeling,reparto,dipartimento",
    "location": "standort,arbeitsort,land,stadt,büro,ville,pays,lieu de travail,bureau,"
                "ubicación,ciudad,país,oficina,sede,localização,cidade,escritório,locatie,"
                "vestiging,werklocatie,città,paese",
    "timezone": "zeitzone,fuseau horaire,zona horaria,fuso horário,tijdzone,fuso orario",
    "languages": "sprachen,sprache,sprachkenntnisse,langues,langue,langues parlées,idiomas,"
                 "idioma,línguas,idiomas falados,talen,taal,lingue,lingua",
    "manager_id": "vorgesetzter,vorgesetzte,führungskraft,direkter vorgesetzter,"
                  "responsable,supérieur hiérarchique,responsable hiérarchique,manager direct,"
                  "jefe,jefe directo,responsable directo,gestor,gerente,chefe,"
                  "leidinggevende,responsabile,n+1,supérieur,e-mail du manager,"
                  "e-mail du responsable",
    "skills": "fähigkeiten,kenntnisse,kompetenzen,compétences,habilidades,competencias,"
              "competências,vaardigheden,competenze,sujets que je peux partager,"
              "je peux partager,themen die ich teilen kann,welche themen können sie teilen,"
              "temas que puedo compartir,puedo compartir,temas que posso compartilhar,"
              "argomenti che posso condividere,onderwerpen die ik kan delen",
    "goals": "ziele,lernziele,objectifs,objetivos,doelen,obiettivi,"
             "sujets que je souhaite apprendre,je souhaite apprendre,ce que je veux apprendre,"
             "ich möchte lernen,welche themen möchten sie lernen,themen die ich lernen möchte,"
             "quiero aprender,temas que quiero aprender,quero aprender,voglio imparare,"
             "ik wil leren",
    "availability": "disponibilités,disponibilité,créneaux,verfügbarkeit,verfügbarkeiten,"
                    "zeitfenster,disponibilidad,horarios,disponibilidade,disponibilità,"
                    "beschikbaarheid,quand êtes-vous disponible,vos disponibilités,"
                    "wann haben sie zeit,wann sind sie verfügbar,cuándo estás disponible,"
                    "quando você está disponível,quando sei disponibile,wanneer ben je beschikbaar",
    "wishes": "mentor souhaité,mentor souhaité (1er choix),mentor souhaité (2e choix),"
              "1er choix,2e choix,3e choix,premier choix,deuxième choix,troisième choix,"
              "wunschmentor,wunsch-mentor,erste wahl,zweite wahl,dritte wahl,"
              "mentor preferido,primera opción,segunda opción,tercera opción,"
              "mentor desejado,primeira opção,segunda opção,terceira opção,"
              "mentore preferito,prima scelta,seconda scelta,terza scelta,"
              "voorkeursmentor,eerste keuze,tweede keuze,derde keuze",
    "capacity": "nombre de mentorés,combien de mentorés,anzahl mentees,wie viele mentees,"
                "número de mentorizados,cuántos mentorizados,quantos mentorados,"
                "quanti mentee,hoeveel mentees,kapazität,kapazitaet,capacité,capacidad,"
                "capacidade,capacità,capaciteit",
    "": "heure de début,heure de fin,heure de la dernière modification,startzeit,"
        "fertigstellungszeit,zeitpunkt der letzten änderung,hora de inicio,"
        "hora de finalización,hora de conclusão,ora di inizio,ora di completamento,"
        "begintijd,tijd van voltooiing,intitulé du poste,poste,stellenbezeichnung,"
        "position,cargo,puesto,funzione,functietitel,date d'entrée,eintrittsdatum,"
        "fecha de ingreso,data de admissão,data di assunzione,datum in dienst,"
        # A job's title in these languages, where English "Function" is a department:
        "fonction,función,funktion,função,functie,jobtitel,berufsbezeichnung",
    "attributes": "geschlecht,sexe,genre,género,sexo,gênero,geslacht,genere,nationalität,"
                  "nationalité,nacionalidad,nacionalidade,nationaliteit,nazionalità",
}


def plain(text: str) -> str:
    """Casefold and drop accents, to compare headers.

    Examples
    --------
    >>> plain("Département")
    'departement'
    """
    return unaccented(text.casefold())


# A name an export writes in columns of its own: the given name is read first,
# whatever the columns' order ("Last Name, First Name" read "Lima Ana", which no
# wish or manager "Ana Lima" met). Folded as header keys; a header ending in one
# of these (of six letters or more: "Legal Name - Last Name") counts too.
# Headers of scripts that write the family name first (姓, 名) are in none.
NAME_PARTS: dict[str, str] = {
    "given": "first name,given name,forename,first names,given names,preferred first name,"
             "vorname,prénom,prenom,nombre,voornaam,primeiro nome,nome proprio,"
             "recipient first name",
    "middle": "middle name,middle names,middle initial,second name",
    "family": "last name,surname,family name,last names,nachname,familienname,nom,"
              "recipient last name,"
              "nom de famille,apellido,apellidos,primer apellido,segundo apellido,sobrenome,"
              "apelido,achternaam,cognome",
}


_SQUASH = re.compile(r"[\s_\-.]+")


def header_key(header: str) -> str:
    """Fold a header for matching: case, spaces, ``_``, ``-`` and ``.`` do not count.

    Examples
    --------
    >>> header_key(" Birth-Year "), header_key("birth_year")
    ('birthyear', 'birthyear')
    """
    return _SQUASH.sub("", header.casefold())


_RANKS = {header_key(word): rank for rank, part in enumerate(("given", "middle", "family"))
          for word in NAME_PARTS[part].split(",")}


# The last part of an HR API's path to a name's part ("name.first", "name.last").
_PATH_RANKS = {"first": 0, "given": 0, "middle": 1, "last": 2, "family": 2}


def _name_rank(header: str) -> int:
    part = name_part(header)
    return 1 if part is None else part  # a name of no known part: between


def name_part(header: str) -> int | None:
    """Return which part of a name a header holds (0 given, 1 middle, 2 family), None: a whole name.

    Examples
    --------
    >>> name_part("First Name"), name_part("name.last"), name_part("Preferred Name")
    (0, 2, None)
    """
    key = header_key(header)
    if key in _RANKS:
        return _RANKS[key]
    part = header_key(header.rsplit(".", 1)[1]) if "." in header else None
    if part in _PATH_RANKS:
        return _PATH_RANKS[part]
    ends = [rank for word, rank in _RANKS.items() if len(word) >= 6 and key.endswith(word)]
    return ends[0] if len(ends) == 1 else None


def given_name_first(targets: dict[str, str]) -> dict[str, str]:
    """Return the column map with the columns of a name in reading order: given, middle, family.

    The columns keep their places; only those that give ``name`` change order
    among themselves, stably.

    Examples
    --------
    >>> given_name_first({"ID": "id", "Last Name": "name", "First Name": "name"})
    {'ID': 'id', 'First Name': 'name', 'Last Name': 'name'}
    >>> given_name_first({"Nachname": "name", "Vorname": "name", "Abteilung": "department"})
    {'Vorname': 'name', 'Nachname': 'name', 'Abteilung': 'department'}
    >>> list(given_name_first({"name.last": "name", "name.first": "name"}))
    ['name.first', 'name.last']
    """
    names = [h for h, t in targets.items() if t == "name"]
    if len(names) < 2:
        return targets
    ordered = iter(sorted(names, key=_name_rank))
    return {(next(ordered) if t == "name" else h): t for h, t in targets.items()}


def one_whole_name(out: dict[str, str | None]) -> dict[str, str | None]:
    """Keep one name: its parts, or one column of whole names.

    "Legal Name" and "Preferred Name" joined read "Ana Maria Lima Ana Lima";
    beside "First name" and "Last name", a whole name repeats them (and a
    "Preferred Name" there is often a first name alone, blank for most: an
    HR system's "goes by"). With a given and a family part, the parts are kept;
    else the whole name people go by (preferred, display, full, then any
    other, a legal name last).

    Examples
    --------
    >>> one_whole_name({"Legal Name": "name", "Preferred Name": "name", "ID": "id"})
    {'Legal Name': None, 'Preferred Name': 'name', 'ID': 'id'}
    """
    names = [h for h, t in out.items() if t == "name"]
    whole = [h for h in names if name_part(h) is None]
    if len(names) < 2 or not whole:
        return out
    parts = {name_part(h) for h in names}
    if {0, 2} <= parts:  # a given and a family name: the parts are the name
        return {h: None if h in whole else t for h, t in out.items()}

    def rank(header: str) -> int:
        key = header_key(header)
        return next((k for k, word in enumerate(("preferred", "display", "knownas", "full"))
                     if word in key), 5 if "legal" in key else 4)

    keep = min(whole, key=rank)
    return {h: None if t == "name" and h != keep else t for h, t in out.items()}
